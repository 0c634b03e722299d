/**
 * The downloadable release: `npm run build` writes `dist/parley-<version>.js` and its Subresource
 * Integrity hash (`dist/release.json`, printed by scripts/release.mjs). Loaded as the README shows,
 * with `integrity` and `crossorigin`, under the demo pages' strict CSP, it runs; with a hash that
 * does not match, the browser refuses it and nothing is shown.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test, Widget } from './fixtures';

const dist = new URL('../dist/', import.meta.url);
const release = JSON.parse(readFileSync(new URL('release.json', dist), 'utf8')) as {
  file: string;
  version: string;
  integrity: string;
};
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** Adds the release's script tag to the page, as the README writes it; resolves 'load' or 'error'. */
const addTag = (page: Page, src: string, integrity: string) =>
  page.evaluate(
    ([src, integrity]) =>
      new Promise<string>((resolve) => {
        const script = document.createElement('script');
        script.src = src!;
        script.integrity = integrity!;
        script.crossOrigin = 'anonymous';
        script.dataset.transport = 'ws-chat';
        script.dataset.server = location.origin;
        script.onload = () => resolve('load');
        script.onerror = () => resolve('error');
        document.body.append(script);
      }),
    [src, integrity],
  );

test('the versioned release file carries the printed SRI hash and runs with integrity and crossorigin', async ({
  page,
  backend,
  consoleLines,
}) => {
  expect(release.file).toBe(`parley-${version}.js`);
  const served = Buffer.from(await (await fetch(`${backend.url}/${release.file}`)).arrayBuffer());
  expect(`sha384-${createHash('sha384').update(served).digest('base64')}`).toBe(release.integrity);

  await page.goto(`${backend.url}/e2e/pages/plain-no-widget.html`);
  expect(await addTag(page, `/${release.file}`, release.integrity)).toBe('load');
  const widget = new Widget(page);
  await widget.open();
  await widget.send('from the release');
  await expect(widget.log.getByText('You said: from the release')).toBeVisible();
  expect(
    await page.evaluate(() => (window as unknown as { Parley: { version: string } }).Parley.version),
  ).toBe(version);
  expect(consoleLines.filter((l) => /Refused to|Content Security Policy|\[parley\]/.test(l))).toEqual([]);
});

test('a release file that does not match its integrity hash is refused and shows nothing', async ({
  page,
  backend,
}) => {
  await page.goto(`${backend.url}/e2e/pages/plain-no-widget.html`);
  const wrong = `sha384-${createHash('sha384').update('another file').digest('base64')}`;
  expect(await addTag(page, `/${release.file}`, wrong)).toBe('error');
  await expect(new Widget(page).launcher).toHaveCount(0);
  expect(await page.evaluate(() => 'Parley' in window)).toBe(false);
});
