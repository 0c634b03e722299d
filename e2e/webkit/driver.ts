/**
 * WebKitGTK for the journeys: Debian's `WebKitWebDriver` (package webkit2gtk-driver) driving its
 * MiniBrowser over classic WebDriver, through selenium-webdriver. The driver listens on a free
 * loopback port and always stops. Needs an X display: `npm run test:webkit` runs under `xvfb-run`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Builder, type WebDriver } from 'selenium-webdriver';

const DRIVER = process.env.PARLEY_WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
const BROWSER = process.env.PARLEY_WEBKIT_BROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

export interface WebKit {
  driver: WebDriver;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Waits until the driver answers `/status` (or has exited, or `ms` passed). */
async function ready(url: string, child: ChildProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/status`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`WebKitWebDriver did not answer on ${url} within ${ms} ms`);
}

export async function startWebKit(): Promise<WebKit> {
  const port = await freePort();
  const child = spawn(DRIVER, [`--port=${port}`, '--host=local'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const url = `http://127.0.0.1:${port}`;
  const kill = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  try {
    await ready(url, child, 30_000);
    const driver = await new Builder()
      .usingServer(url)
      .withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: BROWSER, args: ['--automation'] },
      })
      .build();
    return {
      driver,
      async stop() {
        try {
          await driver.quit();
        } finally {
          await kill();
        }
      },
    };
  } catch (err) {
    await kill();
    throw new Error(`could not start WebKitGTK: ${err instanceof Error ? err.message : err}\n${stderr}`);
  }
}
