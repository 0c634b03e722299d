/**
 * The script tag's API beyond open/close/send (ws-chat.spec.ts has those): `Parley.hide()` and
 * `show()`, the `unread` event, and the `parley:*` DOM events a tag manager hears on `document`.
 */
import { expect, test, Widget } from './fixtures';

type Page = { heard: string[]; unread: number[]; Parley: { hide(): void; show(): void; close(): void } };

test('hide() and show(), the unread event, and parley:* DOM events on the host for tag managers', async ({
  page,
  backend,
}) => {
  const ws = backend.server.modules.get('ws-chat')!.testing!;
  const conversations: string[] = [];
  ws.onVisitorMessage((conversation) => conversations.push(conversation));
  await page.goto(`${backend.url}/e2e/pages/tag-manager.html`);
  const widget = new Widget(page);
  await expect(widget.launcher).toBeVisible();

  // hide() takes the whole widget away, show() brings it back
  await page.evaluate(() => (window as unknown as Page).Parley.hide());
  await expect(widget.launcher).toBeHidden();
  await page.evaluate(() => (window as unknown as Page).Parley.show());
  await expect(widget.launcher).toBeVisible();

  await widget.open();
  await widget.send('hi');
  await expect(widget.log.getByText('You said: hi')).toBeVisible();
  await page.evaluate(() => (window as unknown as Page).Parley.close());
  await expect(widget.composer).toBeHidden();

  // a reply while the panel is closed: unread 1, then 0 when the visitor opens it
  ws.say(conversations[0]!, 'are you still there?');
  await expect.poll(() => page.evaluate(() => (window as unknown as Page).unread)).toEqual([1]);
  await widget.open();
  await expect(widget.log.getByText('are you still there?')).toBeVisible();
  await expect.poll(() => page.evaluate(() => (window as unknown as Page).unread)).toEqual([1, 0]);

  const heard = await page.evaluate(() => (window as unknown as Page).heard);
  expect(heard.slice(0, 2)).toEqual(['parley:ready @ws-chat', 'parley:open @ws-chat']);
  expect(heard).toEqual(
    expect.arrayContaining([
      'parley:sent hi @ws-chat',
      'parley:message You said: hi @ws-chat',
      'parley:close @ws-chat',
      'parley:unread 1 @ws-chat',
      'parley:message are you still there? @ws-chat',
      'parley:unread 0 @ws-chat',
    ]),
  );
  // hide() with the panel open closes it too
  await page.evaluate(() => (window as unknown as Page).Parley.hide());
  await expect(widget.dialog).toBeHidden();
  await expect(widget.launcher).toBeHidden();
});
