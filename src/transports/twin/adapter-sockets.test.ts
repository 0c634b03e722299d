// @vitest-environment node
/**
 * The TWIN adapter's socket side against the reference module: every delivery acknowledged and
 * every message emitted once, across a forced reconnect, lost acknowledgements and duplicates, operators, and every socket.io
 * generation the module can run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTwinTestServer, type TwinTestServer } from '../../../server/twin/testing';
import { type KeyValueStore, memoryStore } from '../../core/storage';
import { until } from '../socketio/test-servers';
import type { TransportEvents } from '../types';
import { createTwinAdapter, type TwinOptions } from './adapter';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setup(
  serverOptions: Parameters<typeof startTwinTestServer>[0] = {},
  over: Partial<TwinOptions> = {},
) {
  const server: TwinTestServer = await startTwinTestServer(serverOptions);
  cleanups.push(() => server.close());
  const storage: KeyValueStore = memoryStore();
  const a = createTwinAdapter({
    server: server.url,
    chatId: 'demo',
    storage,
    WebSocket,
    backoff: { baseMs: 50, capMs: 200 },
    ...over,
  });
  cleanups.push(() => a.disconnect());
  const seen = {
    messages: [] as TransportEvents['message'][],
    statuses: [] as string[],
    operators: [] as TransportEvents['operator'][],
    reads: [] as string[],
    typing: [] as TransportEvents['typing'][],
  };
  a.on('message', (m) => seen.messages.push(m));
  a.on('status', (s) => seen.statuses.push(s.status));
  a.on('operator', (o) => seen.operators.push(o));
  a.on('read', (r) => seen.reads.push(r.messageId));
  a.on('typing', (t) => seen.typing.push(t));
  a.connect();
  await until(() => seen.statuses.at(-1) === 'connected', 'connected');
  const sessionId = (JSON.parse(storage.get('twin.session')!) as { id: string }).id;
  /** Sends `text` and waits for the bot's reply containing `reply`. */
  const ask = async (clientId: string, text: string, reply: string) => {
    const receipt = await a.send({ clientId, text });
    await until(() => seen.messages.some((m) => m.text.includes(reply)), `a reply to "${text}"`);
    return receipt;
  };
  return { server, storage, a, seen, sessionId, ask };
}

/**
 * Every id the server sent was acknowledged, each once per delivery: `redelivered` ids came twice
 * (a forced redelivery), every other id once.
 */
async function expectAcked(
  server: TwinTestServer,
  sessionId: string,
  redelivered: string[] = [],
): Promise<void> {
  const sent = () => server.module.sentIds(sessionId);
  const expected = () => sent().map((id) => (redelivered.includes(id) ? 2 : 1));
  const counts = () => sent().map((id) => server.module.acks(sessionId).get(id) ?? 0);
  await until(() => counts().every((n, i) => n >= expected()[i]!), 'every delivery acknowledged');
  expect([...server.module.acks(sessionId).keys()].sort()).toEqual([...sent()].sort());
  expect(counts()).toEqual(expected());
}

describe('acknowledgement of every delivery', () => {
  it('across a forced reconnect, with a reply sent while the socket was down and a full redelivery', async () => {
    const { server, seen, sessionId, ask, a } = await setup();
    await ask('c1', 'echo one', 'one');
    await until(() => server.module.acks(sessionId).size === 1, 'the first acknowledgement');
    server.module.dropConnections();
    await until(() => seen.statuses.at(-1) === 'reconnecting', 'reconnecting');
    // REST works without the socket; the server keeps the reply until a socket acknowledges it.
    await a.send({ clientId: 'c2', text: 'echo two' });
    await until(() => seen.statuses.at(-1) === 'connected', 'reconnected');
    await until(() => seen.messages.some((m) => m.text === 'two'), 'the reply sent while down');
    await expectAcked(server, sessionId);

    const before = server.module.sentIds(sessionId);
    server.module.redeliver(sessionId); // every message again, acknowledged or not
    await ask('c3', 'echo three', 'three'); // socket order: the duplicates came before this reply

    const bodies = seen.messages.map((m) => m.text);
    expect(bodies.filter((t) => t === 'one')).toHaveLength(1);
    expect(bodies.filter((t) => t === 'two')).toHaveLength(1);
    expect(new Set(seen.messages.map((m) => m.id)).size).toBe(seen.messages.length);
    // Shown once, yet each delivery acknowledged: the server cannot tell a repeat from a first.
    await expectAcked(server, sessionId, before);
  });

  it('acknowledges a redelivery whose first acknowledgement was lost with the link', async () => {
    const { server, seen, sessionId, ask } = await setup();
    const lost = server.module.loseAcknowledgements(1);
    await ask('c1', 'echo lost', 'lost');
    await until(() => lost() === 1, 'the acknowledgement lost');
    const [id] = server.module.sentIds(sessionId);
    expect(server.module.acks(sessionId).get(id!)).toBeUndefined();
    // The link drops; the server redelivers what it has no acknowledgement for when a socket joins.
    server.module.dropConnections();
    await until(() => server.module.acks(sessionId).get(id!) === 1, 'the redelivery acknowledged');
    expect(seen.messages.filter((m) => m.text === 'lost')).toHaveLength(1);
    await ask('c2', 'echo next', 'next');
    await expectAcked(server, sessionId);
  });

  it('after a reload, a new adapter acknowledges a redelivery and emits it for the store to drop', async () => {
    const { server, storage, sessionId, ask, a } = await setup();
    await ask('c1', 'echo first', 'first');
    await until(() => server.module.acks(sessionId).size === 1, 'the first acknowledgement');
    a.disconnect();
    const again = createTwinAdapter({ server: server.url, chatId: 'demo', storage, WebSocket });
    cleanups.push(() => again.disconnect());
    const shown: string[] = [];
    let live = false;
    again.on('message', (m) => shown.push(m.text));
    again.on('status', (s) => {
      live = s.status === 'connected';
    });
    again.connect();
    await until(() => live, 'connected');
    const before = server.module.sentIds(sessionId);
    server.module.redeliver(sessionId);
    await again.send({ clientId: 'c2', text: 'echo second' });
    await until(() => shown.includes('second'), 'the next reply');
    expect(shown).toEqual(['first', 'second']);
    await expectAcked(server, sessionId, before);
  });
});

describe('acknowledged only once decoded and stored (issue 8)', () => {
  it('a hostile field does not lose the message; an undecodable one is not acknowledged', async () => {
    const { server, seen, sessionId, ask } = await setup();
    // `type` with a toString that is not callable used to throw after the acknowledgement went out.
    server.module.inject(sessionId, { id: 'odd', body: 'shown anyway', type: { toString: 1, valueOf: 1 } });
    server.module.inject(sessionId, { id: 'far', body: 'from nowhen', createdAt: 1e17 });
    server.module.inject(sessionId, { id: 'nobody', body: { html: '<b>' } });
    await ask('c1', 'echo after', 'after'); // socket order: the injected events came first
    expect(seen.messages.map((m) => m.text)).toEqual(
      expect.arrayContaining(['shown anyway', 'from nowhen', 'after']),
    );
    expect(seen.messages.find((m) => m.id === 'far')?.at).toBeLessThanOrEqual(Date.now());
    await until(() => server.module.acks(sessionId).has('far'), 'the acknowledgements');
    const acks = server.module.acks(sessionId);
    expect(acks.get('odd')).toBe(1);
    expect(acks.get('far')).toBe(1);
    expect(acks.has('nobody')).toBe(false);
  });

  it('a message the store could not take is not acknowledged, and is taken when it comes again', async () => {
    const { server, seen, sessionId, a, ask } = await setup();
    let refuse = true;
    a.on('message', (m) => {
      if (refuse && m.id === 'flaky') throw new Error('the store failed');
    });
    const quiet = console.error;
    console.error = () => {}; // the emitter reports the failing listener
    try {
      server.module.inject(sessionId, { id: 'flaky', body: 'second chance' });
      await ask('c1', 'echo after', 'after');
    } finally {
      console.error = quiet;
    }
    expect(server.module.acks(sessionId).has('flaky')).toBe(false);
    refuse = false;
    server.module.redeliver(sessionId);
    await until(() => server.module.acks(sessionId).get('flaky') === 1, 'acknowledged on redelivery');
    expect(seen.messages.filter((m) => m.id === 'flaky').length).toBeGreaterThanOrEqual(1);
  });
});

describe('operators', () => {
  it('hands over: HELP message, operator notice (acknowledged), typing, operator messages, read receipts', async () => {
    const { server, seen, sessionId, ask } = await setup();
    await ask('c1', 'operator', 'Hi, I am Anna');
    const help = seen.messages.find((m) => m.kind === 'help');
    expect(help?.author.kind).toBe('bot');
    expect(seen.operators[0]?.operator).toMatchObject({ kind: 'operator', id: 'op-anna', name: 'Anna' });
    expect(seen.operators[0]?.operator.avatarUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(seen.typing.some((t) => t.on && t.author.kind === 'operator')).toBe(true);
    const hi = seen.messages.at(-1)!;
    expect(hi.author).toMatchObject({ kind: 'operator', id: 'op-anna', name: 'Anna' });

    const receipt = await ask('c2', 'are you there?', 'Anna here');
    expect(seen.reads).toContain(receipt.id);
    await ask('c3', 'operator', 'Hi, I am Boris');
    expect(seen.operators[1]).toMatchObject({
      operator: { name: 'Boris' },
      previous: { id: 'op-anna', name: 'Anna' },
    });
    await expectAcked(server, sessionId);
  });

  it('takes operator notices from a configured event name', async () => {
    const { seen, ask } = await setup(
      { twinOperatorEvent: 'operatorAssignedEmit' },
      { operatorEvent: 'operatorAssignedEmit' },
    );
    await ask('c1', 'operator', 'Hi, I am Anna');
    expect(seen.operators).toHaveLength(1);
  });
});

describe.each([
  ['socket.io 2.5.1, EIO 3 (TWIN as documented)', { twinSocketIo: 2 }, 3],
  ['socket.io 4.8.4, EIO 4', { twinSocketIo: 4 }, 4],
  ['socket.io 4.8.4 allowEIO3, EIO 3', { twinSocketIo: 4, twinAllowEio3: true }, 3],
] as const)('%s', (_name, serverOptions, eio) => {
  it('connects, receives and acknowledges', async () => {
    const { server, sessionId, ask } = await setup({ ...serverOptions }, { eio });
    await ask('c1', 'help', 'Choose one');
    await expectAcked(server, sessionId);
  });
});
