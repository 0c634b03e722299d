/**
 * The adapter contract as a test suite. Every adapter runs it against its reference server (and the
 * emulator runs it in memory), so "implements Transport" means the same thing everywhere.
 * Only for test files: it imports vitest.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TransportError } from '../core/errors';
import type { ConnectionStatus, IncomingMessage, StatusChange } from '../core/types';
import { type FakeBrowser, installFakeBrowser } from './test-browser';
import type { Transport } from './types';

export interface ContractHarness {
  transport: Transport;
  /** Makes the backend deliver a message from the bot or agent (e.g. by sending it a command). */
  provokeReply?(transport: Transport): Promise<void>;
  /** Cuts every live connection abruptly on the server side (no close handshake); state survives. */
  dropConnection(): void;
  /** Connections the backend holds open right now. */
  openSockets(): number;
  /** How many visitor messages with this text the backend accepted. */
  delivered(text: string): number;
  dispose(): Promise<void> | void;
}

export interface ContractOptions {
  /**
   * A transport whose backend refuses it for good (unknown chat, refused credentials, wrong FSM),
   * for the `failed` path.
   */
  refused: () => Promise<ContractHarness>;
}

/**
 * Status changes an adapter may report, from → allowed next. `reconnecting` may repeat (each
 * scheduled attempt reports its delay); nothing else repeats, and nothing follows `disconnected`
 * or `failed` until the caller connects again.
 */
const NEXT: Record<ConnectionStatus, readonly ConnectionStatus[]> = {
  idle: ['connecting', 'connected', 'disconnected', 'failed'],
  connecting: ['connected', 'reconnecting', 'disconnected', 'failed'],
  connected: ['reconnecting', 'disconnected', 'failed'],
  reconnecting: ['reconnecting', 'connecting', 'connected', 'disconnected', 'failed'],
  disconnected: ['connecting', 'connected'],
  failed: ['connecting', 'connected'],
};

/** The first illegal step of a status sequence, or null when every step is allowed. */
export function illegalStep(statuses: readonly ConnectionStatus[]): string | null {
  let from: ConnectionStatus = 'idle';
  for (const to of statuses) {
    if (!NEXT[from].includes(to)) return `${from} → ${to}`;
    from = to;
  }
  return null;
}

const until = (check: () => boolean) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error('condition not met yet');
    },
    // Generous: CI machines are often busy; a condition is awaited, never a time window.
    { timeout: 20_000, interval: 10 },
  );

/**
 * A status other than `connected` was reported since index `from`. Not "the last status is not
 * connected": an adapter that reconnects at once after a drop may be connected again before a poll
 * looks (postoffice does, on loopback, within the 10 ms poll interval).
 */
const lostSince = (statuses: readonly StatusChange[], from: number) =>
  statuses.slice(from).some((s) => s.status !== 'connected');

export function transportContract(
  name: string,
  create: () => Promise<ContractHarness>,
  options: ContractOptions,
): void {
  describe(`transport contract: ${name}`, () => {
    let harness: ContractHarness | undefined;
    let browser: FakeBrowser;
    beforeEach(() => {
      browser = installFakeBrowser();
    });
    afterEach(async () => {
      harness?.transport.disconnect();
      await harness?.dispose();
      harness = undefined;
      vi.unstubAllGlobals();
    });

    async function connected() {
      harness = await create();
      const statuses: StatusChange[] = [];
      const messages: IncomingMessage[] = [];
      harness.transport.on('status', (s) => statuses.push(s));
      harness.transport.on('message', (m) => messages.push(m));
      harness.transport.connect();
      await until(() => statuses.at(-1)?.status === 'connected');
      return { t: harness.transport, statuses, messages };
    }

    it('declares its kind and capabilities', async () => {
      harness = await create();
      expect(harness.transport.kind).toMatch(/^[a-z-]+$/);
      for (const key of [
        'typingIn',
        'readReceipts',
        'deliveryConfirmation',
        'answers',
        'resume',
        'operators',
      ]) {
        expect(typeof (harness.transport.capabilities as unknown as Record<string, unknown>)[key]).toBe(
          'boolean',
        );
      }
    });

    it('reports connecting, then connected', async () => {
      const { statuses } = await connected();
      expect(statuses[0]?.status).toMatch(/connecting|connected/);
    });

    it('treats a second connect() as a no-op', async () => {
      const { t, statuses } = await connected();
      const before = statuses.length;
      t.connect();
      await Promise.resolve();
      expect(statuses.slice(before).filter((s) => s.status !== 'connected')).toEqual([]);
    });

    it('resolves send() with a receipt once the backend accepts the message', async () => {
      const { t } = await connected();
      const receipt = await t.send({ clientId: 'contract-1', text: 'hello from the contract' });
      expect(typeof receipt.confirmed).toBe('boolean');
      if (t.capabilities.deliveryConfirmation) expect(receipt.confirmed).toBe(true);
    });

    it('delivers messages from the other side as domain objects', async () => {
      const { t, messages } = await connected();
      await (harness?.provokeReply ?? ((x) => x.send({ clientId: 'contract-2', text: 'hi' }).then(() => {})))(
        t,
      );
      await until(() => messages.some((m) => m.author.kind !== 'visitor'));
      const reply = messages.find((m) => m.author.kind !== 'visitor')!;
      expect(typeof reply.id).toBe('string');
      expect(typeof reply.text).toBe('string');
      expect(Number.isFinite(reply.at)).toBe(true);
    });

    it('stops delivering to a listener after its unsubscribe', async () => {
      const { t, messages } = await connected();
      const late: IncomingMessage[] = [];
      const off = t.on('message', (m) => late.push(m));
      off();
      await (harness?.provokeReply ?? ((x) => x.send({ clientId: 'contract-3', text: 'hi' }).then(() => {})))(
        t,
      );
      await until(() => messages.some((m) => m.author.kind !== 'visitor'));
      expect(late).toEqual([]);
    });

    it('disconnects idempotently and refuses to send while disconnected', async () => {
      const { t, statuses } = await connected();
      t.disconnect();
      t.disconnect();
      expect(statuses.filter((s) => s.status === 'disconnected')).toHaveLength(1);
      await expect(t.send({ clientId: 'contract-4', text: 'too late' })).rejects.toMatchObject({
        code: 'disconnected',
      });
    });

    it('connects again after a disconnect', async () => {
      const { t, statuses } = await connected();
      t.disconnect();
      t.connect();
      await until(() => statuses.at(-1)?.status === 'connected');
      expect((await t.send({ clientId: 'contract-5', text: 'back' })).confirmed).toBeTypeOf('boolean');
    });

    it('pages back through its history to the beginning, when it has one (loadOlder)', async () => {
      const { t, messages } = await connected();
      const loadOlder = t.loadOlder?.bind(t);
      if (!loadOlder) return; // a backend without a history: nothing older than what was stored
      for (const n of [1, 2]) await t.send({ clientId: `contract-older-${n}`, text: `older ${n}` });
      await until(() => messages.filter((m) => m.author.kind !== 'visitor').length >= 2);
      const held: IncomingMessage[] = [];
      for (let more = true, calls = 0; more; calls++) {
        expect(calls).toBeLessThan(50);
        const oldest = held[0];
        const page = await loadOlder(oldest ? { id: oldest.id, at: oldest.at } : null);
        held.unshift(...page.messages);
        more = page.more;
      }
      // Each message once, and every reply the link delivered is in the history.
      expect(new Set(held.map((m) => m.id)).size).toBe(held.length);
      const ids = new Set(held.map((m) => m.id));
      for (const m of messages) if (m.author.kind !== 'visitor') expect(ids.has(m.id)).toBe(true);
    });

    // ---- failure paths ----

    it('reports statuses in a legal order across a drop, a reconnect and a disconnect', async () => {
      const { t, statuses } = await connected();
      const before = statuses.length;
      harness!.dropConnection();
      await until(() => lostSince(statuses, before));
      await until(() => statuses.at(-1)?.status === 'connected');
      t.disconnect();
      const seq = statuses.map((s) => s.status);
      expect(illegalStep(seq), seq.join(' → ')).toBeNull();
      expect(seq.filter((s) => s === 'connected')).toHaveLength(2);
      expect(seq.at(-1)).toBe('disconnected');
    });

    it('a send cut off by a drop either lands or fails as retryable; its resend is delivered once', async () => {
      const { t, statuses } = await connected();
      const text = `cut off ${Math.random()}`;
      const first = t.send({ clientId: 'contract-cut', text });
      harness!.dropConnection();
      const outcome = await first.then(
        () => 'sent',
        (e: unknown) => e,
      );
      if (outcome !== 'sent') {
        expect(outcome).toBeInstanceOf(TransportError);
        expect((outcome as TransportError).retryable).toBe(true);
      }
      await until(() => statuses.at(-1)?.status === 'connected' && harness!.openSockets() > 0);
      // What the store's outbox does after a reconnect: the same client id again.
      await t.send({ clientId: 'contract-cut', text });
      await until(() => harness!.delivered(text) >= 1);
      expect(harness!.delivered(text)).toBe(1);
    });

    it('a resend with the same client id is delivered once and confirmed as the same message', async () => {
      const { t } = await connected();
      const text = `twice ${Math.random()}`;
      const a = await t.send({ clientId: 'contract-twice', text });
      const b = await t.send({ clientId: 'contract-twice', text });
      await until(() => harness!.delivered(text) >= 1);
      expect(harness!.delivered(text)).toBe(1);
      if (a.id && b.id) expect(b.id).toBe(a.id);
    });

    it('keeps one connection when wake-up events arrive while it reconnects, and none after disconnect()', async () => {
      const { t, statuses } = await connected();
      expect(harness!.openSockets()).toBe(1);
      const before = statuses.length;
      harness!.dropConnection();
      await until(() => lostSince(statuses, before));
      // A laptop waking fires these close together, while an attempt may already be under way.
      browser.wake();
      t.connect();
      browser.wake();
      await until(() => statuses.at(-1)?.status === 'connected');
      browser.wake();
      // A full round trip gives a stray socket time to open and be counted.
      await t.send({ clientId: 'contract-wake', text: 'after waking' });
      expect(harness!.openSockets()).toBe(1);
      t.disconnect();
      await until(() => harness!.openSockets() === 0);
      expect(browser.live).toEqual([]);
    });

    it('fails for good when the backend refuses it, with a TransportError', async () => {
      harness = await options.refused();
      const statuses: StatusChange[] = [];
      const errors: unknown[] = [];
      harness.transport.on('status', (s) => statuses.push(s));
      harness.transport.on('error', (e) => errors.push(e));
      harness.transport.connect();
      await until(() => statuses.at(-1)?.status === 'failed');
      expect(errors[0]).toBeInstanceOf(TransportError);
      expect((errors[0] as TransportError).retryable).toBe(false);
      expect(illegalStep(statuses.map((s) => s.status))).toBeNull();
      // Nothing retries behind the visitor's back: the retry button (connect()) is the way back.
      expect(browser.live).toEqual([]);
      expect(harness.openSockets()).toBe(0);
    });
  });
}
