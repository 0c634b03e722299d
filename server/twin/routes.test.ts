// @vitest-environment node
/** The TWIN module's REST side, over real HTTP on 127.0.0.1. */
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../test-helpers';
import { startTwinTestServer, type TwinTestServer } from './testing';

const CHAT = '3eb5cf6d-4d20-41c2-b886-f60374d11d19';
let server: TwinTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<TwinTestServer> {
  server = await startTwinTestServer();
  return server;
}

const post = (s: TwinTestServer, path: string, body: unknown) =>
  fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function session(s: TwinTestServer, body: unknown = { name: 'Ann' }, chat = CHAT) {
  const res = await post(s, `/api/chats/v1/chats/${chat}/sessions?x_widget=1`, body);
  return { res, json: (await res.json()) as Record<string, unknown> };
}

describe('session start', () => {
  it('answers 201 with the seed shape, the greeting and its picture, with CORS', async () => {
    const s = await start();
    const { res, json } = await session(s, {
      name: 'Ann',
      clientExternalId: 'ext-1',
      clientMetadata: { plan: 'pro' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(json).toMatchObject({ id: expect.any(String), clientId: expect.any(String), ttl: 1800 });
    expect(Date.parse(json.startedAt as string)).not.toBeNaN();
    const [greeting] = json.messages as Array<Record<string, unknown>>;
    expect(greeting).toMatchObject({ authorType: 'bot', answers: ['help'], actions: [] });
    const [picture] = greeting!.attachments as Array<Record<string, unknown>>;
    // Both spellings: the session answer of the seed says `sugestedExtension`.
    expect(picture).toMatchObject({
      contentType: 'image/png',
      suggestedExtension: 'png',
      sugestedExtension: 'png',
    });
    const picture_ = await fetch(picture!.url as string);
    expect(picture_.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await picture_.arrayBuffer()).subarray(1, 4)).toEqual(
      new Uint8Array([0x50, 0x4e, 0x47]),
    );
    const again = await session(s, { name: 'Ann', clientExternalId: 'ext-1' });
    expect(again.json.clientId).toBe(json.clientId);
    expect(again.json.id).not.toBe(json.id);
  });

  it('accepts uuids and `demo`, answers 404 for other chat ids and 400 for a bad body', async () => {
    const s = await start();
    expect((await session(s, { name: 'x' }, 'demo')).res.status).toBe(201);
    expect((await session(s, { name: 'x' }, 'no-such-chat')).json).toEqual({ message: 'chat not found' });
    expect((await session(s, { name: 'x' }, 'no-such-chat')).res.status).toBe(404);
    for (const body of [
      {},
      { name: '' },
      { name: 5 },
      { name: 'x', clientMetadata: { n: 1 } },
      'not json',
      '[]',
    ]) {
      expect((await session(s, body)).res.status).toBe(400);
    }
  });

  it('answers CORS preflights', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/api/v1/sessions/x/messages`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toContain('Content-Type');
  });
});

describe('messages', () => {
  it('answers 201 {id, createdAt}; 400 without body or with an unknown attachment; 404 for unknown or ended sessions', async () => {
    const s = await start();
    const id = (await session(s)).json.id as string;
    const path = `/api/v1/sessions/${id}/messages`;
    const ok = await post(s, path, { body: 'hi', attachments: [], replyToMessageId: 'm0' });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ id: expect.any(String), createdAt: expect.any(String) });
    expect((await post(s, path, {})).status).toBe(400);
    expect((await post(s, path, { body: 'x', attachments: ['nope'] })).status).toBe(400);
    expect((await post(s, path, { body: '' })).status).toBe(400);
    expect((await post(s, '/api/v1/sessions/unknown/messages', { body: 'x' })).status).toBe(404);
    s.module.expire(id);
    expect((await post(s, path, { body: 'x' })).status).toBe(404);
  });
});

describe('dropPostAnswers', () => {
  /** A JSON post through `agent` (false: a new connection); resolves the status or the error code. */
  const raw = (s: TwinTestServer, path: string, body: unknown, agent: Agent | false) =>
    new Promise<number | string>((resolve) => {
      const req = request(
        `${s.url}${path}`,
        { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      req.end(JSON.stringify(body));
    });

  it('stores the post and cuts its connection; on a reused connection it cuts before reading', async () => {
    const s = await start();
    const id = (await session(s)).json.id as string;
    const path = `/api/v1/sessions/${id}/messages`;
    const stored: string[] = [];
    s.module.testing.onVisitorMessage((_session, text) => stored.push(text));
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await raw(s, path, { body: 'answered' }, keepAlive)).toBe(201);
      const cut = s.module.dropPostAnswers(1);
      // The connection answered before: a browser would send this again by itself (not stored).
      expect(await raw(s, path, { body: 'on a reused connection' }, keepAlive)).toBe('ECONNRESET');
      expect(await raw(s, path, { body: 'cut' }, false)).toBe('ECONNRESET');
      expect(await raw(s, path, { body: 'after' }, false)).toBe(201);
      expect(stored).toEqual(['answered', 'cut', 'after']);
      expect(cut()).toBe(1);
    } finally {
      keepAlive.destroy();
    }
  });
});

describe('holdPosts', () => {
  it('holds the answer until release; with `head` the 201 goes at once and only the body waits', async () => {
    const s = await start();
    const id = (await session(s)).json.id as string;
    const path = `/api/v1/sessions/${id}/messages`;
    const stored: string[] = [];
    s.module.testing.onVisitorMessage((_session, text) => stored.push(text));

    const held = s.module.holdPosts({ head: true });
    const res = await post(s, path, { body: 'head first' }); // resolves on the head
    expect(res.status).toBe(201);
    expect(stored).toEqual(['head first']);
    held.release(); // the body follows
    expect(await res.json()).toMatchObject({ id: expect.any(String), createdAt: expect.any(String) });

    const whole = s.module.holdPosts();
    let answered = false;
    const later = post(s, path, { body: 'whole' }).then((r) => {
      answered = true;
      return r;
    });
    await waitFor(() => stored.length === 2);
    expect(answered).toBe(false);
    whole.release();
    expect((await later).status).toBe(201);
  });
});

describe('files', () => {
  /** Uploads belong to a live session (the widget names it; see server/limits.test.ts). */
  const upload = async (s: TwinTestServer, files: Array<[string, Blob]>) => {
    const form = new FormData();
    for (const [name, blob] of files) form.append('file[]', blob, name);
    const id = (await session(s)).json.id as string;
    return fetch(`${s.url}/api/chats/v1/files?x_widget=1&sessionId=${id}`, { method: 'POST', body: form });
  };

  it('stores multipart `file[]` uploads and serves them back safely', async () => {
    const s = await start();
    const png = new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
    const svg = new Blob(['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'], {
      type: 'image/svg+xml',
    });
    const res = await upload(s, [
      ['a.png', png],
      ['evil.svg', svg],
    ]);
    expect(res.status).toBe(201);
    const files = (await res.json()) as Array<Record<string, unknown>>;
    expect(files).toHaveLength(2);
    expect(files[0]).toMatchObject({
      name: 'a.png',
      baseName: 'a',
      extension: 'png',
      size: 4,
      isPrivate: true,
    });

    const image = await fetch(files[0]!.downloadLink as string);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('content-disposition')).toMatch(/^inline/);
    // An uploaded SVG could run script on our origin: it only ever downloads.
    const evil = await fetch(files[1]!.url as string);
    expect(evil.headers.get('content-type')).toBe('application/octet-stream');
    expect(evil.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(evil.headers.get('x-content-type-options')).toBe('nosniff');
    expect(evil.headers.get('content-security-policy')).toContain('sandbox');
  });

  it('refuses a body without `file[]`, a non-multipart body and unknown downloads', async () => {
    const s = await start();
    const form = new FormData();
    form.append('other', new Blob(['x']), 'x.txt');
    const id = (await session(s)).json.id as string;
    const files = `/api/chats/v1/files?sessionId=${id}`;
    expect((await fetch(`${s.url}${files}`, { method: 'POST', body: form })).status).toBe(400);
    expect((await post(s, files, { file: 'x' })).status).toBe(400);
    expect((await fetch(`${s.url}/api/chats/v1/files/nope/download`)).status).toBe(404);
  });
});
