/**
 * The rich UI in a real browser: screenshots of the light, dark and phone layouts (kept as test
 * artifacts), a keyboard-only journey, inline mode, and hostile message text end to end.
 */
import { expect, test, Widget } from './fixtures';
import { fullTwinConversation, keepScreenshot, pngFile, TWIN_PAGE, tabTo } from './helpers';

test.describe('layouts', () => {
  test('light: a full TWIN conversation in the floating panel', async ({ page, backend }, testInfo) => {
    // setup
    await page.setViewportSize({ width: 1100, height: 860 });
    await page.goto(`${backend.url}${TWIN_PAGE}`);
    const widget = new Widget(page);
    // when
    await widget.open();
    await fullTwinConversation(widget);
    // then
    await expect(widget.dialog).toBeInViewport({ ratio: 1 });
    await keepScreenshot(page, testInfo, 'light');
  });

  test('dark: the same conversation on a page with data-theme="dark"', async ({
    page,
    backend,
  }, testInfo) => {
    await page.setViewportSize({ width: 1100, height: 860 });
    await page.goto(`${backend.url}/e2e/pages/dark.html`);
    const widget = new Widget(page);
    await widget.open();
    await fullTwinConversation(widget);
    // The panel really is dark: its background is darker than its text.
    const [bg, fg] = await widget.dialog.evaluate((el) => {
      const s = getComputedStyle(el);
      return [s.backgroundColor, s.color];
    });
    expect(bg).toBe('rgb(22, 25, 34)');
    expect(fg).toBe('rgb(233, 235, 242)');
    await keepScreenshot(page, testInfo, 'dark');
  });

  test.describe(() => {
    test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

    test('mobile 390x844: the panel fills the screen and the page behind does not scroll', async ({
      page,
      backend,
    }, testInfo) => {
      // setup: a page several screens tall
      await page.goto(`${backend.url}/e2e/pages/mobile.html`);
      const widget = new Widget(page);
      expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(844 * 2);
      // when
      await widget.open();
      await expect(widget.log.getByText(/I am the TWIN demo bot/)).toBeVisible();
      // then: full screen (once its slide-in animation is over), launcher hidden, composer on screen
      await widget.dialog.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
      expect(await widget.dialog.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
      await expect(widget.launcher).toBeHidden();
      await expect(widget.composer).toBeInViewport({ ratio: 1 });
      // and the page behind is locked: overflow hidden, and a wheel over the panel moves nothing
      const overflow = () =>
        page.evaluate(() =>
          [document.documentElement, document.body].map((e) => getComputedStyle(e).overflow),
        );
      expect(await overflow()).toEqual(['hidden', 'hidden']);
      // (overflow: hidden stops the visitor's scrolling, not a script's: so the check is a wheel,
      // over the header, which has nothing to scroll itself and would hand the wheel to the page)
      await page.evaluate(() => {
        (window as { wheels?: number }).wheels = 0;
        addEventListener('wheel', () => ((window as { wheels?: number }).wheels! += 1), { capture: true });
      });
      await page.mouse.move(195, 40);
      await page.mouse.wheel(0, 600);
      await page.mouse.move(195, 400);
      await page.mouse.wheel(0, 600);
      // Both wheels delivered and two frames drawn since: a scroll would have started by now.
      await expect.poll(() => page.evaluate(() => (window as { wheels?: number }).wheels)).toBe(2);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      await keepScreenshot(page, testInfo, 'mobile');

      // when the panel closes, the page scrolls again
      await page.getByRole('button', { name: 'Close chat' }).click();
      await expect(widget.dialog).toHaveCount(0);
      expect(await overflow()).toEqual(['visible', 'visible']);
      await page.mouse.wheel(0, 600);
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    });
  });
});

test('keyboard only: open, send, answer, attach, view an image, close; focus always visible', async ({
  page,
  backend,
}) => {
  // setup
  await page.goto(`${backend.url}${TWIN_PAGE}`);
  const widget = new Widget(page);

  // when: Tab to the launcher and open it with Enter
  await tabTo(page, widget.launcher);
  await page.keyboard.press('Enter');
  // then: the message box has the focus
  await expect(widget.composer).toBeFocused();
  await expect(widget.log.getByText(/I am the TWIN demo bot/)).toBeVisible();

  // when: type and send with Enter
  await page.keyboard.type('help');
  await page.keyboard.press('Enter');
  await expect(widget.log.getByText('Choose one:')).toBeVisible();
  await expect(widget.composer).toHaveValue('');

  // when: go back to an answer button and choose it
  const answers = widget.log.getByRole('group', { name: 'Suggested answers' });
  await tabTo(page, answers.getByRole('button', { name: 'file', exact: true }), { back: true });
  await page.keyboard.press('Enter');
  await expect(widget.log.getByText('Here is a file for you.')).toBeVisible();

  // when: attach a picture from the attach button (Enter opens the file chooser)
  const attach = page.getByRole('button', { name: 'Attach a file' });
  await tabTo(page, attach);
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  await (await chooser).setFiles(pngFile('sunset.png'));
  await expect(page.getByRole('button', { name: 'Remove sunset.png' })).toBeVisible();
  // and send it on its own from the message box
  await tabTo(page, widget.composer);
  await page.keyboard.press('Enter');
  await expect(widget.log.getByText('Thanks, I received sunset.png.')).toBeVisible();

  // when: open the picture from the log, and close it with Escape
  const thumb = widget.log.getByRole('button', { name: 'Open image: sunset.png' });
  await tabTo(page, thumb, { back: true });
  await page.keyboard.press('Enter');
  const viewer = page.getByRole('dialog', { name: 'Image: sunset.png' });
  await expect(viewer).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Close image' })).toBeFocused();
  const picture = viewer.getByRole('img', { name: 'sunset.png' });
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(96);
  await page.keyboard.press('Escape');
  // then: the viewer is gone, the panel stays, focus is back on the picture
  await expect(viewer).toHaveCount(0);
  await expect(thumb).toBeFocused();

  // when: Escape again closes the panel
  await page.keyboard.press('Escape');
  // then: focus returns to the launcher
  await expect(page.getByRole('dialog', { name: 'TWIN demo' })).toHaveCount(0);
  await expect(widget.launcher).toBeFocused();
});

test('data-target renders the panel inside the page element, with no floating launcher', async ({
  page,
  backend,
}) => {
  // setup
  await page.goto(`${backend.url}/e2e/pages/inline.html`);
  const widget = new Widget(page);
  const target = page.locator('#chat');
  // then: the panel is there at once, inside the target (in its shadow root), and nothing floats
  const panel = page.getByRole('dialog', { name: 'Help desk' });
  await expect(panel).toBeVisible();
  expect(await panel.evaluate((el) => ((el.getRootNode() as ShadowRoot).host as HTMLElement).id)).toBe(
    'chat',
  );
  await expect(widget.launcher).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Close chat' })).toHaveCount(0);
  const [box, outer] = await Promise.all([panel.boundingBox(), target.boundingBox()]);
  expect(box).toEqual(outer);
  expect(await panel.evaluate((el) => getComputedStyle(el).position)).toBe('relative');
  // and loading the page did not move the focus into it
  await expect(widget.composer).not.toBeFocused();
  // when: the visitor chats in it
  await widget.send('inline hello');
  await expect(widget.log.getByText('You said: inline hello')).toBeVisible();
});

test('hostile message text stays text: no markup, no script, no javascript: link', async ({
  page,
  backend,
}) => {
  // setup
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`${backend.url}/demo.html`);
  const widget = new Widget(page);
  await widget.open();
  const html = '<img src=x onerror=alert(1)>';
  const link = '[x](javascript:alert(1))';

  // when: the visitor sends both and the bot echoes them
  await widget.send(html);
  await expect(widget.log.getByText(`You said: ${html}`, { exact: true })).toBeVisible();
  await widget.send(link);
  await expect(widget.log.getByText(`You said: ${link}`, { exact: true })).toBeVisible();

  // then: shown literally, both as sent and as echoed
  await expect(widget.message(html)).toHaveCount(1);
  await expect(widget.message(link)).toHaveCount(1);
  // no element was made from them: no image and no link in those messages
  for (const text of [html, link]) {
    for (const bubble of await widget.log.getByText(text).all()) {
      await expect(bubble.locator('img, a, script')).toHaveCount(0);
    }
  }
  await expect(widget.log.getByRole('img')).toHaveCount(0);
  await expect(widget.log.getByRole('link', { name: /javascript|^x$/ })).toHaveCount(0);
  expect(dialogs).toEqual([]);
});
