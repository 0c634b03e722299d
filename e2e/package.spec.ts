/**
 * The npm package as a site's developer gets it: `npm pack` of the built package, installed into a
 * throwaway Vite + TypeScript project (e2e/package-consumer, copied to a temporary folder), whose
 * usage file must type-check (including @ts-expect-error lines that only hold if the types are
 * real), whose build must run in Chromium under the demo pages' strict CSP against the reference
 * server, and which must import in plain Node without touching a browser global.
 *
 * Needs `npm run build` first (npm test builds before the e2e run). npm installs from its cache
 * when it can (`--prefer-offline`): the packages are the ones this repository's `npm ci` fetched.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startServer } from '../server/index';
import { type Backend, expect, test, wsChatTexts } from './fixtures';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};

let dir = '';
let tarball = '';

// One project for the whole file: packing and installing it is the slow part.
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  if (
    !existsSync(join(ROOT, 'dist/lib/parley.js')) ||
    !existsSync(join(ROOT, 'dist/lib/types/embed/lib.d.ts'))
  )
    throw new Error('dist/lib is missing: run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'parley-consumer-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT });
  const [packed] = JSON.parse(stdout) as Array<{
    filename: string;
    size: number;
    files: Array<{ path: string }>;
  }>;
  tarball = join(dir, packed!.filename);
  console.log(`package: ${packed!.filename}, ${packed!.size} B packed, ${packed!.files.length} files`);
  cpSync(join(ROOT, 'e2e/package-consumer'), dir, { recursive: true });
  // The site's own tools at the versions this repository uses; the package brings preact itself.
  await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      tarball,
      `vite@${PKG.devDependencies.vite}`,
      `typescript@${PKG.devDependencies.typescript}`,
    ],
    { cwd: dir },
  );
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the tarball holds the ES module, its types, the script-tag file and no sources', () => {
  const files = readdirSync(join(dir, 'node_modules/parley'), { recursive: true }).map(String);
  expect(files).toEqual(
    expect.arrayContaining([
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'dist/lib/parley.js',
      'dist/lib/types/embed/lib.d.ts',
      'dist/lib/types/embed/global.d.ts',
      'dist/single/parley.js',
    ]),
  );
  expect(files.filter((f) => /^(src|server|e2e|scripts)\//.test(f) || f.endsWith('.map'))).toEqual([]);
  const installed = JSON.parse(readFileSync(join(dir, 'node_modules/parley/package.json'), 'utf8'));
  expect(installed.private).toBeUndefined();
  expect(installed.sideEffects).toEqual(['./dist/single/parley.js']);
});

test('the usage file type-checks against the packed .d.ts (and the wrong uses in it are refused)', async () => {
  // tsc fails on a type error, and on an @ts-expect-error that has nothing to expect.
  await run(join(dir, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: dir });
});

test('importing the package in Node touches no browser global and does nothing until mount()', async () => {
  const { stdout } = await run(process.execPath, ['ssr.mjs'], { cwd: dir });
  expect(JSON.parse(stdout)).toEqual({
    exports: ['ParleyOptionsError', 'mount', 'version'],
    version: PKG.version,
    added: [],
    mountError: '[parley] mount() needs a browser page: call it on the client (after hydration)',
  });
});

test('the site built with Vite mounts two widgets with their own handles, in Chromium, under a strict CSP', async ({
  page,
  consoleLines,
}) => {
  test.setTimeout(180_000);
  await run(join(dir, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: dir });
  // The reference server serves the built site as it serves the demo: pages at the top of its root
  // (with the demo pages' strict CSP), scripts from the root's dist/. A page of its own origin, so
  // the browser lets it reach the loopback backend.
  copyFileSync(join(dir, 'dist/index.html'), join(dir, 'site.html'));
  const server = await startServer({ root: dir, replyDelayMs: 50 });
  try {
    await page.goto(`${server.url}/site.html`);

    // A wrong option: the same check and words as data-server, named as the option.
    await expect
      .poll(() => page.evaluate(() => window.consumer?.problem))
      .toBe('server: "ftp://example.com" is not an http(s) URL. Example: server: "https://chat.example.com"');
    expect(await page.evaluate(() => window.consumer.version)).toBe(PKG.version);
    expect(await page.evaluate(() => window.consumer.ready())).toBe(1);
    expect(await page.evaluate(() => 'Parley' in window)).toBe(false);

    // The inline TWIN widget, in the page's element, with its own conversation.
    const inline = page.locator('#inline-chat');
    await expect(inline.getByRole('log').getByText(/I am the TWIN demo bot/)).toBeVisible();

    // The floating ws-chat widget, through its own handle and as a visitor.
    await page.evaluate(() => window.consumer.support.open());
    await expect(page.getByRole('dialog', { name: 'Support' })).toBeVisible();
    const support = page.locator('[data-parley="ws-chat"]');
    await support.getByRole('textbox', { name: 'Message' }).fill('hello from npm');
    await support.getByRole('textbox', { name: 'Message' }).press('Enter');
    await expect(support.getByRole('log').getByText('You said: hello from npm')).toBeVisible();
    await expect
      .poll(() => page.evaluate(() => window.consumer.heard))
      .toContain('in:You said: hello from npm');
    expect(wsChatTexts({ server } as Backend)).toEqual(['hello from npm']);

    // One handle's destroy() leaves the other widget working.
    await page.evaluate(() => window.consumer.twin.destroy());
    await expect(inline.getByRole('log')).toHaveCount(0);
    await page.evaluate(() => window.consumer.support.send('still here'));
    await expect(support.getByRole('log').getByText('You said: still here')).toBeVisible();

    expect(
      consoleLines.filter((l) => /Refused to|Content Security Policy|pageerror|\[parley\]/i.test(l)),
    ).toEqual([]);
  } finally {
    await server.close();
  }
});

declare global {
  interface Window {
    consumer: {
      support: { open(): void; send(text: string): void; destroy(): void };
      twin: { destroy(): void };
      heard: string[];
      ready(): number;
      problem: string;
      version: string;
    };
  }
}
