/**
 * The outbox: the visitor's messages in state "sending", sent one at a time in order while the
 * transport is connected. One at a time because REST backends (TWIN) could reorder parallel
 * requests, and because the order on the visitor's screen is the order the agent must see.
 *
 * - A send that rejects because the link dropped stays "sending" and goes again after reconnecting
 *   (same client id, so a server that echoes it lets the conversation dedupe).
 * - A send the backend refuses, or that is not confirmed within `confirmTimeoutMs`, becomes "failed"
 *   and waits for the visitor's retry. A confirmation that comes after the timeout still counts: the
 *   message becomes "sent" (also when a retry of it is queued, which would deliver it twice).
 */
import { effect, type ReadonlySignal, type Signal } from '@preact/signals';
import { TransportError, toTransportError } from '../core/errors';
import type { OutgoingMessage, SendReceipt } from '../core/types';
import type { Transport } from '../transports/types';
import { pending, update } from './conversation';
import type { ChatMessage } from './types';

interface OutboxOptions {
  transport: Transport;
  messages: Signal<ChatMessage[]>;
  connected: ReadonlySignal<boolean>;
  confirmTimeoutMs: number;
  onSent: (message: ChatMessage) => void;
}

export function createOutbox(options: OutboxOptions) {
  const { transport, messages, connected } = options;
  let busy = false;
  let again = false;
  let disposed = false;
  /** The key of the message being sent now. */
  let inFlight: string | undefined;

  async function sendOne(msg: ChatMessage): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new TransportError('timeout', 'No confirmation from the server', { retryable: false });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timedOut), options.confirmTimeoutMs);
    });
    let sending: Promise<SendReceipt> | undefined;
    try {
      const outgoing: OutgoingMessage = { clientId: msg.clientId ?? msg.key, text: msg.text };
      if (msg.replyToId) outgoing.replyToId = msg.replyToId;
      if (msg.answerId) outgoing.answerId = msg.answerId;
      if (msg.attachmentIds?.length) outgoing.attachmentIds = msg.attachmentIds;
      if (msg.retries) outgoing.retries = msg.retries;
      inFlight = msg.key;
      sending = transport.send(outgoing);
      const receipt = await Promise.race([sending, timeout]);
      const current = messages.value.find((m) => m.key === msg.key);
      // The echo may have confirmed (or a receipt marked read) before the promise settled.
      const state = current?.state === 'read' || current?.state === 'delivered' ? current.state : 'sent';
      const patch: Partial<ChatMessage> = { state };
      if (receipt.id && !current?.id) patch.id = receipt.id;
      messages.value = update(messages.value, msg.key, patch);
      const done = messages.value.find((m) => m.key === msg.key);
      if (done) options.onSent(done);
    } catch (err) {
      const e = toTransportError(err);
      // A dropped link keeps the message queued; anything else needs the visitor's decision.
      if (e.code === 'unconfirmed') {
        // It may have arrived: the adapter's words are for developers; the UI says it in the visitor's language.
        messages.value = update(messages.value, msg.key, {
          state: 'failed',
          failure: undefined,
          unconfirmed: true,
        });
      } else if (e.code !== 'disconnected' && e.code !== 'network') {
        messages.value = update(messages.value, msg.key, {
          state: 'failed',
          failure: e.message || undefined,
        });
        if (err === timedOut && sending) confirmLate(msg, sending);
      } else if (connected.value) throw err; // connected yet "disconnected": stop this round, avoid a hot loop
    } finally {
      clearTimeout(timer);
      inFlight = undefined;
    }
  }

  /** A send that outlived its timeout and then succeeded: "sent" after all. */
  function confirmLate(msg: ChatMessage, sending: Promise<SendReceipt>): void {
    sending.then(
      (receipt) => {
        const current = messages.value.find((m) => m.key === msg.key);
        if (disposed || !current) return;
        // It is at the server: "failed" was wrong, and a retry still queued would deliver it twice.
        // A retry already in flight settles it itself.
        const queued = current.state === 'sending' && current.key !== inFlight;
        if (current.state !== 'failed' && !queued) return;
        const patch: Partial<ChatMessage> = { state: 'sent', failure: undefined, unconfirmed: undefined };
        if (receipt.id && !current.id) patch.id = receipt.id;
        messages.value = update(messages.value, msg.key, patch);
        const done = messages.value.find((m) => m.key === msg.key);
        if (done) options.onSent(done);
      },
      () => {}, // it failed after all: "failed" was right
    );
  }

  async function pump(): Promise<void> {
    if (disposed) return;
    if (busy) {
      // A reconnect or a retry while a send is in flight: look at the queue again when it settles.
      again = true;
      return;
    }
    busy = true;
    again = false;
    try {
      while (!disposed && connected.value) {
        const next = pending(messages.value)[0];
        if (!next) break;
        const before = next.state;
        await sendOne(next);
        const after = messages.value.find((m) => m.key === next.key)?.state;
        if (after === before) break; // still queued: the link dropped; the status effect restarts us
      }
    } catch {
      // see sendOne: a retryable failure while "connected" ends this round
    } finally {
      busy = false;
    }
    if (again) void pump();
  }

  const stop = effect(() => {
    if (connected.value) void pump();
  });

  return {
    pump: () => void pump(),
    dispose(): void {
      disposed = true;
      stop();
    },
  };
}
