/**
 * How we launch Chromium everywhere (Playwright tests and the benchmark): Debian's build, since
 * Playwright's own download cannot run here, with the flags that keep it off the network.
 * `PARLEY_CHROMIUM` points at another binary.
 */
export const chromiumLaunchOptions = {
  executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};
