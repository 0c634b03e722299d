// @vitest-environment node
/**
 * `loadOlder` against the reference server: paging back from the newest message reaches the first
 * one, each message once and in order, while the conversation goes on (newer messages shift every
 * page's offset), and from a tab that never connected (a plain HTTP call with the stored token).
 */
import { describe, expect, it } from 'vitest';
import { getWsChatModule } from '../../../server/ws-chat/index';
import { memoryStore } from '../../core/storage';
import type { IncomingMessage } from '../../core/types';
import type { OlderCursor } from '../types';
import { adapter, server, until } from './test-support';

/** A conversation of `count` bot lines on the server, and an adapter that joined it and went away. */
async function seeded(generation: 'flat' | 'envelope', count: number) {
  const s = await server({ wsChatProtocol: generation, bot: false });
  const storage = memoryStore();
  const joined = adapter(s.url, storage, { channelId: 'web_older_test' });
  joined.a.connect();
  await until(() => joined.a.status === 'connected');
  // The flat generation names the conversation in its first frame: the visitor says hello first.
  if (generation === 'flat') await joined.a.send({ clientId: 'hello', text: 'hello' });
  const module = getWsChatModule(s);
  const [conversation] = module.state.allConversations();
  joined.a.disconnect();
  for (let i = 1; i <= count; i++) module.testing.say(conversation!.id, `line ${i}`);
  return { s, storage, module, conversationId: conversation!.id, a: joined.a };
}

/** Pages back with the oldest message of each answer until the beginning; every answer, in order. */
async function pageBack(
  load: (before: OlderCursor | null) => Promise<{ messages: IncomingMessage[]; more: boolean }>,
  between: (call: number) => void = () => {},
) {
  let held: IncomingMessage[] = [];
  let calls = 0;
  let more = true;
  while (more) {
    const oldest = held[0];
    const page = await load(oldest ? { id: oldest.id, at: oldest.at, newer: held.length - 1 } : null);
    calls += 1;
    between(calls);
    held = [...page.messages, ...held];
    more = page.more;
    expect(calls).toBeLessThan(100);
  }
  return { held, calls };
}

describe('ws-chat adapter, older messages', () => {
  it('pages back through 600 messages of the current generation to the first one, a request a page', async () => {
    const { s, storage } = await seeded('envelope', 600);
    let requests = 0;
    const counted: typeof fetch = (input, init) => {
      if (String(input).includes('/messages?')) requests += 1;
      return fetch(input, init);
    };
    const { a } = adapter(s.url, storage, { channelId: 'web_older_test', fetch: counted });
    const { held, calls } = await pageBack((before) => a.loadOlder(before));
    const lines = held.map((m) => m.text).filter((t) => t.startsWith('line '));
    expect(lines).toEqual(Array.from({ length: 600 }, (_, i) => `line ${i + 1}`));
    expect(new Set(held.map((m) => m.id)).size).toBe(held.length);
    // 50 a page: 12 calls, and each reads one page (it goes on from where the last one ended).
    expect(calls).toBe(Math.ceil(held.length / 50));
    expect(requests).toBe(calls);
  });

  it('neither repeats nor skips a message when newer ones arrive between the calls', async () => {
    const { a, module, conversationId } = await seeded('envelope', 300);
    // 37 new messages after every call: each page's offsets move by that much.
    const { held } = await pageBack(
      (before) => a.loadOlder(before),
      (call) => {
        for (let i = 0; i < 37; i++) module.testing.say(conversationId, `later ${call}.${i}`);
      },
    );
    const lines = held.map((m) => m.text).filter((t) => t.startsWith('line '));
    expect(lines).toEqual(Array.from({ length: 300 }, (_, i) => `line ${i + 1}`));
    expect(new Set(held.map((m) => m.id)).size).toBe(held.length);
  });

  it('finds a cursor deep in a long history from the count of newer messages, however wrong', async () => {
    const { a, module } = await seeded('envelope', 3000);
    const [conversation] = module.state.allConversations();
    const cursor = conversation!.messages.find((m) => m.text === 'line 1001')!;
    // Exact (1,999 newer), too many (notices and unsent messages count too), past the end, too few.
    for (const newer of [1999, 2400, 9000, 100]) {
      const page = await a.loadOlder({ id: cursor.id, at: Date.parse(cursor.createdAt), newer });
      // The rest of the page the cursor is on: the lines just before it, in order.
      const n = page.messages.length;
      expect(n).toBeGreaterThan(0);
      expect(page.messages.map((m) => m.text)).toEqual(
        Array.from({ length: n }, (_, i) => `line ${1001 - n + i}`),
      );
      expect(page.more).toBe(true);
    }
  });

  it('works from a tab that never connected, with the session another tab stored', async () => {
    const { s, storage } = await seeded('envelope', 120);
    const other = adapter(s.url, storage, { channelId: 'web_older_test' });
    const { held } = await pageBack((before) => other.a.loadOlder(before));
    expect(held.filter((m) => m.text.startsWith('line ')).map((m) => m.text)).toEqual(
      Array.from({ length: 120 }, (_, i) => `line ${i + 1}`),
    );
    expect(other.a.status).not.toBe('connected');
  });

  it('the flat generation answers everything before the cursor at once', async () => {
    const { a } = await seeded('flat', 80);
    const newest = await a.loadOlder(null);
    expect(newest.more).toBe(false);
    const last = newest.messages.at(-1)!;
    expect(last.text).toBe('line 80');
    const older = await a.loadOlder({ id: last.id, at: last.at });
    expect(older.more).toBe(false);
    expect(older.messages.map((m) => m.text)).toEqual(newest.messages.slice(0, -1).map((m) => m.text));
  });

  it('rejects with a TransportError when there is no conversation yet', async () => {
    const s = await server({ wsChatProtocol: 'envelope', bot: false });
    const { a } = adapter(s.url, memoryStore());
    await expect(a.loadOlder(null)).rejects.toMatchObject({ code: 'disconnected' });
  });
});
