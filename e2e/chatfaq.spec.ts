/**
 * The ChatFAQ journey in a real browser: the built script on the demo page against the reference
 * consumer: quick replies, a streamed answer in one growing bubble (hidden from screen readers until
 * it is whole), regenerate, a file each way, a reload into the same conversation, the close and a new
 * conversation; and the two final closes with their reasons.
 */

import type { Page } from '@playwright/test';
import { FSM_GREETING, STORIES } from '../server/chatfaq/fsm';
import { getChatfaqModule } from '../server/chatfaq/index';
import { type Backend, expect, test, Widget } from './fixtures';

const PAGE = '/demo-chatfaq.html';
/** Bad pages: the widget must keep working under the demo's strict CSP and throw nothing. */
const PAGE_PROBLEMS = /Refused to|Content Security Policy|pageerror/i;

/** The demo page with the panel open and the FSM's greeting on screen. */
async function openDemo(page: Page, backend: Backend) {
  await page.goto(`${backend.url}${PAGE}`);
  const widget = new Widget(page);
  await widget.open();
  await expect(widget.log.getByText(FSM_GREETING)).toBeVisible();
  return { module: getChatfaqModule(backend.server), widget };
}

test.describe('chatfaq demo', () => {
  // One reply delay per streamed chunk: slow enough to see the bubble grow.
  test.use({ serverOptions: { replyDelayMs: 80 } });

  test('quick replies, and a story streamed into one bubble, then regenerated', async ({
    page,
    backend,
    consoleLines,
  }) => {
    test.setTimeout(120_000); // a long journey on a busy 2-core machine
    const { module, widget } = await openDemo(page, backend);

    // Every state the log goes through, recorded in the page: a busy machine may render the whole
    // stream between two polls of the test, a MutationObserver sees each step.
    await widget.log.evaluate((log, story) => {
      const states: Array<{ live: string[]; hidden: number; story: number }> = [];
      (window as unknown as { cfStates: typeof states }).cfStates = states;
      new MutationObserver(() => {
        const bubbles = [...log.querySelectorAll('.bubble')].map((b) => b.textContent ?? '');
        states.push({
          live: [...log.querySelectorAll('.bubble--live')].map((b) => b.textContent ?? ''),
          hidden: log.querySelectorAll('.msg[aria-hidden="true"]').length,
          story: bubbles.filter((t) => t.length > 0 && story.startsWith(t)).length,
        });
      }).observe(log, { subtree: true, childList: true, characterData: true, attributes: true });
    }, STORIES[0]!);

    // when: the visitor picks a quick reply
    const menu = widget.log.getByRole('group', { name: 'Suggested answers' }).first();
    await menu.getByRole('button', { name: 'Tell me a story' }).click();

    // then: one final, announced message with the whole text
    await expect(widget.message(STORIES[0]!)).toHaveCount(1);
    await expect(widget.log.locator('.bubble--live')).toHaveCount(0);
    await expect(widget.log.locator('.msg[aria-hidden]')).toHaveCount(0);
    expect(await widget.log.ariaSnapshot()).toContain(STORIES[0]!.slice(0, 40));
    // ...which grew in one bubble, hidden from screen readers while it did, replaced never appended
    const states = await page.evaluate(
      () =>
        (window as unknown as { cfStates: Array<{ live: string[]; hidden: number; story: number }> })
          .cfStates,
    );
    const growing = states.filter((st) => st.live.length > 0);
    expect(growing.length).toBeGreaterThan(2);
    expect(new Set(growing.map((st) => st.live[0])).size).toBeGreaterThan(2);
    for (const st of growing) {
      expect(st.live).toHaveLength(1);
      expect(STORIES[0]!.startsWith(st.live[0]!)).toBe(true);
      expect(st.hidden).toBe(1);
    }
    expect(Math.max(...states.map((st) => st.story))).toBe(1);
    const texts = growing.map((st) => st.live[0]!.length);
    expect(texts).toEqual([...texts].sort((x, y) => x - y));
    // the end of the log stayed in view while it grew
    expect(
      await widget.log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight),
    ).toBeLessThanOrEqual(48);
    // the quick reply's id went to the FSM, and the plumbing layers showed nothing
    const [conversation] = module.conversationIds();
    expect(module.received(conversation!).find((f) => f.kind === 'message')).toMatchObject({
      answerId: 'story',
    });
    await expect(widget.log.getByText(/story #1 found|find_story/)).toHaveCount(0);

    // when: the visitor asks for another answer
    await widget.log.getByRole('button', { name: 'Regenerate answer' }).click();
    // then: the old answer goes, a new one streams into its place
    await expect(widget.message(`(take 2) ${STORIES[1]}`)).toHaveCount(1);
    await expect(widget.message(STORIES[0]!)).toHaveCount(0);
    expect(module.received(conversation!).some((f) => f.kind === 'reset')).toBe(true);

    expect(consoleLines.filter((l) => PAGE_PROBLEMS.test(l))).toEqual([]);
  });

  test('a file each way, a reload into the same conversation, the close and a new conversation', async ({
    page,
    backend,
    consoleLines,
  }) => {
    test.setTimeout(120_000); // a long journey on a busy 2-core machine
    const { module, widget } = await openDemo(page, backend);
    const [conversation] = module.conversationIds();

    // when: the visitor asks for a file
    await widget.send('Send me a file');
    await expect(widget.log.getByText('Here is a file for you.')).toBeVisible();
    await expect(widget.log.getByRole('link', { name: /parley-demo\.txt/ })).toBeVisible();

    // when: the bot asks for a file, the paper clip appears (for the types it takes) and sends one
    const clip = page.getByRole('button', { name: 'Attach a file' });
    await expect(clip).toHaveCount(0);
    await widget.send('Ask me for a file');
    await expect(widget.log.getByText(/Please send me a file/)).toBeVisible();
    await expect(clip).toBeVisible();
    const input = page.locator('input[type="file"]');
    await expect(input).toHaveAttribute('accept', '.pdf,.png,.txt');
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await expect(page.getByRole('button', { name: 'Remove notes.txt' })).toBeVisible();
    await widget.composer.press('Enter');
    await expect(widget.log.getByText('Thanks, I received notes.txt (5 bytes).')).toBeVisible();
    await expect(clip).toHaveCount(0);

    // when: the page reloads, the conversation continues (no second greeting)
    await page.reload();
    await widget.open();
    await widget.send('still here');
    await expect(widget.log.getByText('You said: still here')).toBeVisible();
    await expect(widget.log.getByText(FSM_GREETING)).toHaveCount(1);
    expect(module.conversationIds()).toEqual([conversation]);

    // when: the visitor says goodbye
    await widget.send('Goodbye');
    await expect(widget.log.getByText('Goodbye! This conversation is closed.')).toBeVisible();
    await expect(page.getByText('This conversation has ended.').first()).toBeVisible();
    await expect(widget.composer).toHaveCount(0);
    // then: a new conversation is a new id and a new greeting
    await page.getByRole('button', { name: 'Start a new conversation' }).click();
    await expect(widget.composer).toBeVisible();
    await expect(widget.log.getByText(FSM_GREETING)).toHaveCount(2);
    expect(module.conversationIds()).toHaveLength(2);

    expect(consoleLines.filter((l) => PAGE_PROBLEMS.test(l))).toEqual([]);
  });

  test('a dropped connection reconnects to the same conversation', async ({ page, backend }) => {
    test.setTimeout(90_000);
    const { module, widget } = await openDemo(page, backend);
    module.closeSockets(1011, 'server restart');
    // The old socket is gone: an answer proves a new one, in the same conversation (no new greeting).
    await widget.send('after the drop');
    await expect(widget.log.getByText('You said: after the drop')).toBeVisible();
    await expect(widget.log.getByText(FSM_GREETING)).toHaveCount(1);
    expect(module.conversationIds()).toHaveLength(1);
  });
});

/** Where a streamed answer's bubble was, and how it looked, at one step. */
interface Place {
  live: boolean;
  top: number;
  left: number;
  width: number;
  text: string;
  opacity: string;
  transform: string;
}

test.describe('chatfaq streaming on screen', () => {
  test.use({ serverOptions: { replyDelayMs: 80 }, viewport: { width: 390, height: 640 } });

  test('a streamed answer settles where it grew: no jump when it becomes final', async ({
    page,
    backend,
  }) => {
    test.setTimeout(120_000); // a long journey on a busy 2-core machine
    const { widget } = await openDemo(page, backend);
    // Where the answer's bubble sits in the log's content (not the viewport: the log scrolls; and
    // without the entrance's slide, which is motion, not layout), and how it looks, at every step:
    // recorded in the page so that no step is missed on a busy machine.
    await widget.log.evaluate((log, story) => {
      const places: Place[] = [];
      (window as unknown as { cfPlaces: Place[] }).cfPlaces = places;
      new MutationObserver(() => {
        const bubble = [...log.querySelectorAll<HTMLElement>('.bubble')].find((b) => {
          const text = b.textContent ?? '';
          return text.length > 0 && story.startsWith(text);
        });
        if (!bubble) return;
        const style = getComputedStyle(bubble);
        const slide = style.transform === 'none' ? 0 : new DOMMatrix(style.transform).m42;
        const [box, outer] = [bubble.getBoundingClientRect(), log.getBoundingClientRect()];
        places.push({
          live: bubble.classList.contains('bubble--live'),
          top: box.top - slide - outer.top + log.scrollTop,
          left: box.left - outer.left,
          width: box.width,
          text: bubble.textContent ?? '',
          opacity: style.opacity,
          transform: style.transform,
        });
      }).observe(log, { subtree: true, childList: true, characterData: true, attributes: true });
    }, STORIES[0]!);

    await widget.log.getByRole('button', { name: 'Tell me a story' }).click();
    await expect(widget.message(STORIES[0]!)).toHaveCount(1);
    await expect(widget.log.locator('.bubble--live')).toHaveCount(0);

    const places = await page.evaluate(() => (window as unknown as { cfPlaces: Place[] }).cfPlaces);
    const lastLive = places.filter((p) => p.live).at(-1);
    const settled = places.find((p) => !p.live && p.text === STORIES[0]);
    expect(lastLive).toBeDefined();
    expect(settled).toBeDefined();
    // The bubble stays where it grew; with the whole text it is as wide as when it was live.
    expect(Math.abs(settled!.top - lastLive!.top)).toBeLessThanOrEqual(1);
    expect(Math.abs(settled!.left - lastLive!.left)).toBeLessThanOrEqual(1);
    if (lastLive!.text === settled!.text)
      expect(Math.abs(settled!.width - lastLive!.width)).toBeLessThanOrEqual(1);
    // The final bubble does not fade and slide in again: the visitor watched it grow.
    expect([settled!.opacity, settled!.transform]).toEqual(['1', 'none']);
    // and the end of the log is in view: the visitor was reading it
    expect(
      await widget.log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight),
    ).toBeLessThanOrEqual(48);
  });
});

test.describe('chatfaq page attributes', () => {
  test('data-token, data-sender-id and data-metadata reach the consumer; the token is never printed', async ({
    page,
    backend,
    consoleLines,
  }) => {
    test.setTimeout(90_000);
    await page.goto(`${backend.url}/e2e/pages/chatfaq-details.html`);
    const widget = new Widget(page);
    await widget.open();
    // The private FSM greets only a socket with the right token.
    await expect(widget.log.getByText(FSM_GREETING)).toBeVisible();
    await widget.send('hello private');
    await expect(widget.log.getByText('You said: hello private')).toBeVisible();

    const module = getChatfaqModule(backend.server);
    const [conversation] = module.conversationIds();
    expect(module.metadata(conversation!)).toEqual({ plan: 'pro', page: 'pricing' });
    expect(module.received(conversation!).find((f) => f.kind === 'message')).toMatchObject({
      senderId: 'visitor-42',
    });
    expect(consoleLines.filter((l) => l.includes('demo-token'))).toEqual([]);
  });
});

test.describe('chatfaq final closes', () => {
  for (const c of [
    { page: 'chatfaq-nosuch.html', reason: '`No FSM found with name nosuch`' },
    { page: 'chatfaq-private.html', reason: 'Authentication failed' },
  ]) {
    test(`shows "${c.reason}" as text and stops`, async ({ page, backend, consoleLines }) => {
      test.setTimeout(60_000);
      await page.goto(`${backend.url}/e2e/pages/${c.page}`);
      const widget = new Widget(page);
      await widget.open();
      const status = page.locator('.status__text');
      await expect(status).toHaveText(`Connection failed: ${c.reason}`);
      await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
      // The token never reaches the console.
      expect(consoleLines.filter((l) => /not-the-token/.test(l))).toEqual([]);
    });
  }
});
