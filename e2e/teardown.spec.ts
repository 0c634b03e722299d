/**
 * destroy() leaves nothing behind: no timer, no window/document listener, no socket, the page's own
 * title, and a `window.Parley` that says it was destroyed. A probe loaded before the widget
 * (e2e/pages/teardown-probe.js) counts what the widget created.
 */
import { getWsChatModule } from '../server/ws-chat/index';
import { expect, test, Widget } from './fixtures';

interface Probe {
  timers: string[];
  listeners: string[];
}
const probe = (page: import('@playwright/test').Page) =>
  page.evaluate(() => (window as unknown as { parleyProbe(): Probe }).parleyProbe());
const parley = (page: import('@playwright/test').Page, call: 'destroy' | 'open') =>
  page.evaluate(
    (name) => (window as unknown as { Parley: Record<string, () => void> }).Parley[name]?.(),
    call,
  );

test('destroy() while connected, with unread messages in the title, leaves nothing behind', async ({
  page,
  backend,
  consoleLines,
}) => {
  // setup: a conversation under way, a reply counted in the title while the panel is closed
  await page.goto(`${backend.url}/e2e/pages/teardown.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('hello');
  await expect(widget.log.getByText('You said: hello')).toBeVisible();
  await page.keyboard.press('Escape');
  await page.evaluate(() =>
    (window as unknown as { Parley: { send(t: string): void } }).Parley.send('burst'),
  );
  await expect(page).toHaveTitle(/^\(\d+\) Shop$/);
  const live = await probe(page);
  expect(getWsChatModule(backend.server).openSockets()).toBe(1);
  test.info().annotations.push({ type: 'live before destroy()', description: JSON.stringify(live) });
  expect(live.timers.length + live.listeners.length).toBeGreaterThan(0); // the probe sees the widget's own
  // when
  await parley(page, 'destroy');
  // then
  await expect.poll(() => probe(page)).toEqual({ timers: [], listeners: [] });
  await expect.poll(() => getWsChatModule(backend.server).openSockets()).toBe(0);
  await expect(page).toHaveTitle('Shop');
  await expect(page.locator('[data-parley]')).toHaveCount(0);
  await parley(page, 'open');
  expect(consoleLines.some((l) => l.includes('[parley]') && l.includes('destroyed'))).toBe(true);
});

test('destroy() while reconnecting to a stopped server leaves no retry timer or listener', async ({
  page,
  backend,
}) => {
  await page.goto(`${backend.url}/e2e/pages/teardown.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('hello');
  await expect(widget.log.getByText('You said: hello')).toBeVisible();
  // when: the server goes away, the widget waits to retry; then the page removes it
  await backend.stop();
  await expect(page.getByText('Reconnecting…')).toBeVisible();
  await parley(page, 'destroy');
  // then
  await expect.poll(() => probe(page)).toEqual({ timers: [], listeners: [] });
});
