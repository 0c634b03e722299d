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
});
