// @vitest-environment node
/**
 * The current server's history call as the gap fill uses it, against the reference server playing
 * that generation: a gap longer than one page is paged back to where the visitor left off, and
 * arrives complete, in order, once.
 */
import { describe, expect, it } from 'vitest';
import { getWsChatModule } from '../../../server/ws-chat/index';
import { server, until, widget } from './test-support';

describe('ws-chat adapter, envelope history', () => {
  it('pages back through a gap of several pages after a reconnect, from a conversation that started empty', async () => {
    const s = await server({ wsChatProtocol: 'envelope', bot: false });
    const { a, store, storage } = widget(s.url);
    const texts = () => store.messages.value.map((m) => m.text);
    a.connect();
    await until(() => a.status === 'connected');
    const { sessionId } = JSON.parse(storage.get('session')!) as { sessionId: string };
    const module = getWsChatModule(s);
    module.testing.say(sessionId, 'live before the drop');
    await until(() => texts().includes('live before the drop'));

    // The socket drops, and the conversation goes on without the visitor: 2.5 pages of 50.
    module.dropConnections();
    const missed = Array.from({ length: 125 }, (_, i) => `missed ${i + 1}`);
    for (const text of missed) module.testing.say(sessionId, text);
    await until(() => a.status === 'reconnecting');
    await until(() => a.status === 'connected');

    // What the visitor sees: everything, in order, each once.
    expect(texts()).toEqual(['live before the drop', ...missed]);
  });

  it('a link lost while its gap fill ran: the next fill brings what that one found, none skipped', async () => {
    // Found by the soak under load (a reply lost for good): the fill moved its cursor past what it
    // found before the adapter, seeing its link gone, dropped those messages.
    const s = await server({ wsChatProtocol: 'envelope', bot: false });
    const module = getWsChatModule(s);
    let cutTheFill = false;
    let said: () => void = () => {};
    const allSaid = new Promise<void>((resolve) => (said = resolve));
    const seen: { statuses?: unknown[] } = {};
    const cutting: typeof fetch = async (input, init) => {
      const filling = cutTheFill && String(input).includes('/messages');
      // The conversation goes on while this fill runs (its live frames are held, then dropped with the link).
      if (filling) await allSaid;
      const res = await fetch(input, init);
      if (filling) {
        cutTheFill = false;
        const before = seen.statuses?.length ?? 0;
        module.dropConnections(); // the link this fill belongs to goes while the answer is on its way
        await until(() => (seen.statuses?.length ?? 0) > before); // and the adapter knows it
      }
      return res;
    };
    const { a, store, storage, statuses } = widget(s.url, undefined, { fetch: cutting });
    seen.statuses = statuses;
    const texts = () => store.messages.value.map((m) => m.text);
    a.connect();
    await until(() => a.status === 'connected');
    const { sessionId } = JSON.parse(storage.get('session')!) as { sessionId: string };
    module.testing.say(sessionId, 'live before the drop');
    await until(() => texts().includes('live before the drop'));

    cutTheFill = true;
    module.dropConnections();
    const missed = ['missed 1', 'missed 2', 'missed 3'];
    for (const text of missed) {
      // Each at a later millisecond: a fill takes again what is as new as its cursor, not older.
      const at = Date.now();
      await until(() => Date.now() > at);
      module.testing.say(sessionId, text);
    }
    said();
    await until(() => !cutTheFill && a.status === 'connected');
    await until(() => texts().includes('missed 3'));
    expect(texts()).toEqual(['live before the drop', ...missed]);
  });
});
