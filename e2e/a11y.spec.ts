/**
 * axe-core over the whole page, widget included (axe walks open shadow roots), in the states a
 * visitor meets: the closed launcher, a full TWIN conversation (answer buttons, a file, typing,
 * an operator notice, the tray of files) in the light and the dark theme, and the ended state.
 * No rule is disabled: a violation is fixed in the UI or its CSS.
 */
import { expect, test, twinOf, Widget } from './fixtures';
import { fullTwinConversation, pngFile, axeScan as scan, TWIN_PAGE } from './helpers';

test('the closed launcher', async ({ page, backend }, testInfo) => {
  await page.goto(`${backend.url}${TWIN_PAGE}`);
  await expect(new Widget(page).launcher).toBeVisible();
  expect(await scan(page, testInfo, 'launcher')).toEqual([]);
});

for (const theme of ['light', 'dark'] as const) {
  test.describe(() => {
    // Reduced motion: the operator's next message may arrive during the scan, and axe would measure
    // its fade-in (half-transparent text) instead of the colours the visitor reads.
    test.use({ reducedMotion: 'reduce' });

    test(`the open panel with a full TWIN conversation (${theme})`, async ({ page, backend }, testInfo) => {
      // Two axe scans, each half a minute or more on a busy machine, on top of the conversation
      // (4.5 min in all measured at load 55 on 2 cores).
      test.setTimeout(420_000);
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

      // when: the operator is typing, held there by the server until the scan is done (a scan takes
      // half a minute on a busy machine, far longer than any reply delay)
      const typing = twinOf(backend).holdAtTyping();
      await widget.send('where is my order?');
      await expect(page.getByText('Anna is typing…')).toBeVisible();
      // then
      expect(await scan(page, testInfo, `typing-${theme}`)).toEqual([]);
      await expect(page.getByText('Anna is typing…')).toBeVisible();
      typing.release();
      await expect(widget.message('Anna here: I read "where is my order?".')).toBeVisible();
      await expect(page.getByText('Anna is typing…')).toHaveCount(0);
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
