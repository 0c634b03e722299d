/**
 * A busy main thread never costs a TWIN message or an acknowledgement (issue 16, item 7): the page
 * stalls longer than the server's heartbeat allows while messages are arriving, the server drops
 * the socket, and still every message is shown once and every delivery acknowledged.
 */
import { expect, test, twinOf, Widget } from './fixtures';

// A server heartbeat far shorter than the stall: the server gives up on the socket during it.
test.use({ serverOptions: { replyDelayMs: 50, twinPingIntervalMs: 300, twinPingTimeoutMs: 300 } });

test('a stall longer than the heartbeat loses neither a message nor an acknowledgement', async ({
  page,
  backend,
  consoleLines,
}) => {
  // setup: a conversation under way
  await page.goto(`${backend.url}/demo-twin.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('echo ready');
  await expect(widget.message('ready')).toBeVisible();
  const twin = twinOf(backend);
  const [session] = twin.sessionIds();

  // The page's own code blocks the main thread for 3 s when "stall" arrives: the messages right
  // behind it wait in the browser's queue while the server's heartbeat runs out.
  await page.evaluate(() => {
    const parley = (
      window as unknown as { Parley: { on(e: string, fn: (m: { text: string }) => void): void } }
    ).Parley;
    parley.on('message', (m) => {
      if (m.text !== 'stall') return;
      const end = Date.now() + 3000;
      while (Date.now() < end) {
        // busy, like a long render
      }
    });
  });

  // when: the server sends "stall" and five more messages at once
  const texts = ['stall', 'b1', 'b2', 'b3', 'b4', 'b5'];
  for (const text of texts) twin.testing.say(session!, text);

  // then: each is shown once, in order, after the link came back
  for (const text of texts) await expect(widget.message(text)).toHaveCount(1);
  const shown = await widget.log.getByText(/^(stall|b\d)$/).allTextContents();
  expect(shown).toEqual(texts);
  // and every message the server sent was acknowledged at least once (the server stops redelivering)
  await expect
    .poll(() => {
      const acks = twin.acks(session!);
      return twin.sentIds(session!).filter((id) => !acks.get(id)).length;
    })
    .toBe(0);
  expect(consoleLines.filter((l) => /CLOSING or CLOSED|pageerror/.test(l))).toEqual([]);
});
