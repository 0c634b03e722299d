/**
 * The adapter contract as a test suite. Every adapter runs it against its reference server (and the
 * emulator runs it in memory), so "implements Transport" means the same thing everywhere.
 * Only for test files: it imports vitest.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IncomingMessage, StatusChange } from '../core/types';
import type { Transport } from './types';

export interface ContractHarness {
  transport: Transport;
  /** Makes the backend deliver a message from the bot or agent (e.g. by sending it a command). */
  provokeReply?(transport: Transport): Promise<void>;
  dispose(): Promise<void> | void;
}

const until = (check: () => boolean) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error('condition not met yet');
    },
    { timeout: 10_000, interval: 10 },
  );

export function transportContract(name: string, create: () => Promise<ContractHarness>): void {
  describe(`transport contract: ${name}`, () => {
    let harness: ContractHarness | undefined;
    afterEach(async () => {
      harness?.transport.disconnect();
      await harness?.dispose();
      harness = undefined;
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
  });
}
