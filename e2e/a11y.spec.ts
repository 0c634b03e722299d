/**
 * axe-core over the whole page, widget included (axe walks open shadow roots), in the states a
 * visitor meets: the closed launcher, a full TWIN conversation (answer buttons, a file, typing,
 * an operator notice, the tray of files) in the light and the dark theme, and the ended state.
 * No rule is disabled: a violation is fixed in the UI or its CSS.
 */
import { writeFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test, Widget } from './fixtures';
import { fullTwinConversation, pngFile, TWIN_PAGE } from './helpers';

/** Runs axe, keeps the full result with the test, and returns the violations in a readable form. */
async function scan(page: Page, testInfo: TestInfo, name: string) {
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

test('the closed launcher', async ({ page, backend }, testInfo) => {
  await page.goto(`${backend.url}${TWIN_PAGE}`);
  await expect(new Widget(page).launcher).toBeVisible();
  expect(await scan(page, testInfo, 'launcher')).toEqual([]);
});

for (const theme of ['light', 'dark'] as const) {
  test.describe(() => {
    // Bot steps one reply delay apart, so the typing indicator stays long enough to be scanned.
    // Reduced motion: the operator's next message may arrive during the scan, and axe would measure
    // its fade-in (half-transparent text) instead of the colours the visitor reads.
    test.use({ serverOptions: { replyDelayMs: 500 }, reducedMotion: 'reduce' });

    test(`the open panel with a full TWIN conversation (${theme})`, async ({ page, backend }, testInfo) => {
      // setup
      await page.goto(`${backend.url}${theme === 'light' ? TWIN_PAGE : '/e2e/pages/dark.html'}`);
      const widget = new Widget(page);
      await widget.open();
      await fullTwinConversation(widget);
      // a file of the visitor's waiting in the tray, and a refused one explained
      await page.locator('input[type="file"]').setInputFiles([pngFile('photo.png')]);
      await expect(page.getByRole('button', { name: 'Remove photo.png' })).toBeVisible();
      // then
      expect(await scan(page, testInfo, `conversation-${theme}`)).toEqual([]);

      // when: the operator is typing
      await widget.send('where is my order?');
      await expect.poll(() => page.getByText('Anna is typing…').count(), { intervals: [25] }).toBe(1);
      // then
      expect(await scan(page, testInfo, `typing-${theme}`)).toEqual([]);
    });
  });
}

test('the ended conversation', async ({ page, backend }, testInfo) => {
  await page.goto(`${backend.url}${TWIN_PAGE}`);
  const widget = new Widget(page);
  await widget.open();
  await expect(widget.log.getByText(/I am the TWIN demo bot/)).toBeVisible();
  await widget.send('stop');
  await expect(page.getByRole('button', { name: 'Start a new conversation' })).toBeVisible();
  expect(await scan(page, testInfo, 'ended')).toEqual([]);
});
