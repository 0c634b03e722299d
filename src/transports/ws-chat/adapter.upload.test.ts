// @vitest-environment node
/**
 * The current server's upload call as the adapter makes it, against the reference server playing
 * that generation: a cancelled upload, a token the upload call refuses, and a server of the older
 * generation, which takes no files. (Progress needs a browser's XMLHttpRequest: e2e/ws-chat-envelope.)
 */
import { describe, expect, it } from 'vitest';
import { getWsChatModule } from '../../../server/ws-chat/index';
import { adapter, server, until } from './test-support';

const UPLOAD = '/api/v1/files/upload';
const png = (name: string) =>
  Object.assign(new Blob([new Uint8Array(2048)], { type: 'image/png' }), { name });

/** The real fetch, with a say in the upload calls: `each` runs as each one starts. */
function fetchWatching(each: (call: number) => Response | undefined | 'abort', abort?: AbortController) {
  const calls: string[] = [];
  let uploads = 0;
  const fetchFn = ((input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(String(input)).pathname;
    calls.push(path === UPLOAD ? 'upload' : path.includes('/sessions/') ? 'history' : 'token');
    if (path !== UPLOAD) return fetch(input, init);
    const answer = each(uploads++);
    if (answer instanceof Response) return Promise.resolve(answer);
    const pending = fetch(input, init);
    // The visitor cancels while the request is on its way.
    if (answer === 'abort') abort?.abort();
    return pending;
  }) as typeof fetch;
  return { fetchFn, calls };
}

describe('ws-chat adapter, envelope uploads', () => {
  it('cancels an upload: it rejects as aborted, the server keeps nothing, and the next one goes', async () => {
    const s = await server({ wsChatProtocol: 'envelope' });
    const cancel = new AbortController();
    const { fetchFn } = fetchWatching((n) => (n === 0 ? 'abort' : undefined), cancel);
    const { a } = adapter(s.url, undefined, { fetch: fetchFn });
    a.connect();
    await until(() => a.status === 'connected');
    const files = getWsChatModule(s).state.files;

    await expect(a.upload(png('cancelled.png'), { signal: cancel.signal })).rejects.toMatchObject({
      code: 'aborted',
    });
    const kept = await a.upload(png('kept.png'));
    expect(kept).toMatchObject({ name: 'kept.png' });
    expect([...files.values()].map((f) => f.name)).toEqual(['kept.png']);
  });

  it('gets one new token when the upload call answers 401, then uploads; a second 401 is final', async () => {
    const s = await server({ wsChatProtocol: 'envelope' });
    let refuse = 1;
    const { fetchFn, calls } = fetchWatching(() =>
      refuse-- > 0 ? new Response('', { status: 401 }) : undefined,
    );
    const { a, storage } = adapter(s.url, undefined, { fetch: fetchFn });
    a.connect();
    await until(() => a.status === 'connected');
    const before = JSON.parse(storage.get('session')!);
    calls.length = 0;

    const uploaded = await a.upload(png('after-refresh.png'));
    expect(calls).toEqual(['upload', 'token', 'upload']);
    const after = JSON.parse(storage.get('session')!);
    expect(after.token).not.toBe(before.token);
    expect(after.sessionId).toBe(before.sessionId);
    // The file is the server's: the message that lists it goes through.
    await a.send({ clientId: 'f', text: '', attachmentIds: [uploaded.id] });
    const [conversation] = getWsChatModule(s).state.allConversations();
    expect(conversation?.messages.find((m) => m.senderType === 'USER')?.attachments).toMatchObject([
      { name: 'after-refresh.png' },
    ]);

    refuse = 2;
    calls.length = 0;
    await expect(a.upload(png('refused.png'))).rejects.toMatchObject({ code: 'auth' });
    expect(calls).toEqual(['upload', 'token', 'upload']);
  });

  it('refuses a file at once on a server of the older (flat) generation, which takes none', async () => {
    const s = await server({ wsChatProtocol: 'flat' });
    const { fetchFn, calls } = fetchWatching(() => undefined);
    const { a } = adapter(s.url, undefined, { fetch: fetchFn });
    a.connect();
    await until(() => a.status === 'connected');
    expect(a.capabilities.uploads).toBe(false);
    await expect(a.upload(png('nowhere.png'))).rejects.toMatchObject({ code: 'refused', fatal: true });
    expect(calls).not.toContain('upload');
  });
});
