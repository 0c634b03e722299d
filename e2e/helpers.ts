/**
 * Steps shared by the rich-UI specs (ui, a11y, uploads): a full TWIN conversation, test files,
 * upload requests watched and a slow uplink, keyboard moves that check the focus ring on the way,
 * screenshots and axe scans kept as test artifacts.
 */
import { writeFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { encodePng } from '../server/png';
import { expect, type Widget } from './fixtures';

export const TWIN_PAGE = '/demo-twin.html';

/** A real PNG (a colour gradient), so thumbnails and the viewer have something to draw. */
export function pngFile(name = 'photo.png', width = 96, height = 64) {
  const buffer = encodePng(width, height, (x, y) => [
    Math.round((x / width) * 255),
    Math.round((y / height) * 255),
    200,
    255,
  ]);
  return { name, mimeType: 'image/png', buffer };
}

/** Bytes of a given size; the content does not matter to the server. */
export const binaryFile = (name: string, bytes: number, mimeType = 'application/pdf') => ({
  name,
  mimeType,
  buffer: Buffer.alloc(bytes, 7),
});

/** Upload requests to `path` the page makes, and how each ended ('ok' with its status, or 'failed'). */
export function watchUploads(page: Page, path: string) {
  const ended: string[] = [];
  const isUpload = (r: { url(): string; method(): string }) =>
    r.method() === 'POST' && new URL(r.url()).pathname === path;
  page.on('requestfinished', async (r) => {
    if (isUpload(r)) ended.push(`ok ${(await r.response())?.status()}`);
  });
  page.on('requestfailed', (r) => {
    if (isUpload(r)) ended.push('failed');
  });
  let started = 0;
  page.on('request', (r) => {
    if (isUpload(r)) started += 1;
  });
  return { ended, started: () => started };
}

/** Sets the page's uplink through the Chrome DevTools Protocol: bytes per second, -1 for no limit. */
export async function uplinkControl(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  return (uploadThroughput: number) =>
    cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput,
    });
}

/**
 * The TWIN demo bot's commands, one after the other: answer buttons (help), a file (chosen with
 * an answer button), and an operator taking over. Leaves the panel open with all of it on screen.
 */
export async function fullTwinConversation(widget: Widget): Promise<void> {
  await expect(widget.log.getByText(/I am the TWIN demo bot/)).toBeVisible();
  await widget.send('help');
  const answers = widget.log.getByRole('group', { name: 'Suggested answers' }).last();
  await answers.getByRole('button', { name: 'file', exact: true }).click();
  await expect(widget.log.getByRole('link', { name: /Download/ })).toBeVisible();
  await widget.send('operator');
  await expect(widget.log.getByText('Anna joined the conversation')).toBeVisible();
  await expect(widget.log.getByText('Hi, I am Anna. How can I help?')).toBeVisible();
}

/** The width of the focus outline the element draws now (0 when it draws none). */
export const outlineWidth = (target: Locator) =>
  target.evaluate((el) => {
    const style = getComputedStyle(el);
    return el.matches(':focus-visible') && style.outlineStyle !== 'none'
      ? Number.parseFloat(style.outlineWidth)
      : 0;
  });

/**
 * Presses Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would, then checks
 * that it shows a focus ring. Fails after `max` presses rather than looping forever.
 */
export async function tabTo(page: Page, target: Locator, { back = false, max = 60 } = {}): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el.matches(':focus'))) {
      expect(await outlineWidth(target)).toBeGreaterThan(0);
      return;
    }
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`could not reach ${target} with ${back ? 'Shift+Tab' : 'Tab'} in ${max} presses`);
}

/** A full-page screenshot kept with the test's results and attached to its report. */
export async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<Buffer> {
  const path = testInfo.outputPath(`${name}.png`);
  const shot = await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  return shot;
}

/** Runs axe, keeps the full result with the test, and returns the violations in a readable form. */
export async function axeScan(page: Page, testInfo: TestInfo, name: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const path = testInfo.outputPath(`axe-${name}.json`);
  await writeFile(path, JSON.stringify(result, null, 2));
  await testInfo.attach(`axe-${name}`, { path, contentType: 'application/json' });
  console.log(`axe ${name}: ${result.violations.length} violations, ${result.passes.length} rules passed`);
  return result.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    nodes: v.nodes.map((n) => `${n.target.join(' >>> ')}: ${n.failureSummary ?? ''}`),
  }));
}
