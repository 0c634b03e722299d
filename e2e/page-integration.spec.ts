/**
 * How the widget fits the page around it: the unread count in the page title, the small-screen
 * panel following the visual viewport, and the page's own JavaScript reaching the widget.
 */
import { expect, test, Widget } from './fixtures';

test('the unread count appears in the page title while the panel is closed', async ({ page, backend }) => {
  // setup: a conversation under way, then the panel closed
  await page.goto(`${backend.url}/e2e/pages/title-badge.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('hello');
  await expect(widget.log.getByText('You said: hello')).toBeVisible();
  await page.keyboard.press('Escape');
  // when: the bot answers while closed (sent through the page API)
  await page.evaluate(() =>
    (window as unknown as { Parley: { send(t: string): void } }).Parley.send('burst'),
  );
  // then
  await expect(page).toHaveTitle(/^\(\d+\) Shop$/);
  await expect(widget.launcher).toHaveAccessibleDescription(/unread/);
  await widget.open();
  await expect(page).toHaveTitle('Shop');
});

test('data-position="left" docks launcher and panel on the left, in the data-accent colour', async ({
  page,
  backend,
}) => {
  await page.goto(`${backend.url}/e2e/pages/left-accent.html`);
  const widget = new Widget(page);
  const launcher = await widget.launcher.evaluate((el) => ({
    left: el.getBoundingClientRect().left,
    bg: getComputedStyle(el).backgroundColor,
  }));
  expect(launcher.left).toBeLessThan(80);
  expect(launcher.bg).toBe('rgb(11, 122, 62)');
  await widget.open();
  const panel = await widget.dialog.evaluate((el) => el.getBoundingClientRect());
  expect(panel.left).toBeLessThan(80);
  expect(panel.right).toBeLessThan(page.viewportSize()!.width / 2 + 200);
});

test.describe('small screens', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('the full-screen panel is as tall as the visual viewport', async ({ page, backend }) => {
    await page.goto(`${backend.url}/demo.html`);
    const widget = new Widget(page);
    await widget.open();
    // An on-screen keyboard cannot be opened headless; zooming in shrinks the visual viewport the
    // same way while the layout viewport stays put, which is the case that matters.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 2 });
    await expect.poll(() => page.evaluate(() => window.visualViewport?.height)).toBeLessThan(500);
    const sizes = await widget.dialog.evaluate((el) => ({
      panel: el.getBoundingClientRect().height,
      viewport: window.visualViewport?.height ?? 0,
      width: el.getBoundingClientRect().width,
    }));
    expect(sizes.viewport).toBeGreaterThan(0);
    expect(Math.abs(sizes.panel - sizes.viewport)).toBeLessThanOrEqual(1);
  });
});
