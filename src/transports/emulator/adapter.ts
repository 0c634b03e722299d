/**
 * An in-memory adapter. It passes the same contract as the real ones and lets tests (and the UI
 * playground) produce states a server cannot easily produce: operators, receipts, failures, a
 * typing indicator that never stops. Nothing here touches the network.
 */

import { notConnected, TransportError } from '../../core/errors';
import type {
  IncomingMessage,
  OperatorChange,
  OutgoingMessage,
  SendReceipt,
  StatusChange,
  TypingChange,
} from '../../core/types';
import { TransportBase } from '../base';
import type { Capabilities, Transport, UploadOptions, UploadResult } from '../types';

export interface EmulatorOptions {
  capabilities?: Partial<Capabilities>;
  /** How `send` settles: confirm at once (default), never (stay "sending"), or refuse. */
  sendMode?: 'confirm' | 'hold' | 'refuse';
  /** Answer each sent message with this reply (a tiny bot). */
  reply?: (text: string) => string | null;
  /** Refuse every connection for good, as a backend refusing our credentials would. */
  refuseConnect?: boolean;
}

const DEFAULT_CAPABILITIES: Capabilities = {
  uploads: { maxBytes: 10 * 1024 * 1024 },
  typingIn: true,
  typingOut: true,
  readReceipts: true,
  deliveryConfirmation: true,
  answers: true,
  resume: true,
  operators: true,
};

export class EmulatorAdapter extends TransportBase implements Transport {
  readonly kind = 'emulator';
  readonly capabilities: Capabilities;
  /** Every message handed to `send`, in order (tests read it). */
  readonly sent: OutgoingMessage[] = [];
  readonly uploads: string[] = [];
  /** Client id → receipt of every message accepted (confirmed) so far. */
  private readonly accepted = new Map<string, SendReceipt>();
  sendMode: 'confirm' | 'hold' | 'refuse';
  private seq = 0;
  private held: Array<{ resolve: (r: SendReceipt) => void; reject: (e: TransportError) => void }> = [];

  constructor(private readonly options: EmulatorOptions = {}) {
    super();
    this.capabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
    this.sendMode = options.sendMode ?? 'confirm';
  }

  connect(): void {
    if (this.currentStatus === 'connected') return;
    if (this.options.refuseConnect) {
      this.setStatus({ status: 'connecting' });
      this.events.emit('error', new TransportError('auth', 'Refused by the emulator'));
      this.setStatus({ status: 'failed', reason: 'auth' });
      return;
    }
    this.setStatus({ status: 'connected' });
  }

  disconnect(): void {
    if (this.currentStatus === 'disconnected') return;
    for (const h of this.held.splice(0)) h.reject(new TransportError('disconnected', 'Disconnected'));
    this.setStatus({ status: 'disconnected' });
  }

  send(message: OutgoingMessage): Promise<SendReceipt> {
    if (this.currentStatus !== 'connected') {
      return Promise.reject(notConnected());
    }
    // An idempotent backend: a client id it already accepted gets the same receipt again.
    const known = this.accepted.get(message.clientId);
    if (known) return Promise.resolve(known);
    this.sent.push(message);
    if (this.sendMode === 'refuse')
      return Promise.reject(new TransportError('refused', 'Refused by the emulator'));
    if (this.sendMode === 'hold')
      return new Promise((resolve, reject) => this.held.push({ resolve, reject }));
    const receipt: SendReceipt = { id: `srv-${++this.seq}`, at: Date.now(), confirmed: true };
    this.accepted.set(message.clientId, receipt);
    const reply = this.options.reply?.(message.text);
    if (reply) queueMicrotask(() => this.receive({ text: reply }));
    return Promise.resolve(receipt);
  }

  /** `hold` keeps uploads at 50% until `finishUploads()`, so tests can see progress and cancel. */
  uploadMode: 'instant' | 'hold' | 'refuse' = 'instant';
  private heldUploads: Array<() => void> = [];

  upload(file: Blob & { name?: string }, options: UploadOptions = {}): Promise<UploadResult> {
    const name = file.name ?? 'file';
    const result = (): UploadResult => {
      this.uploads.push(name);
      return { id: `file-${++this.seq}`, name, size: file.size, contentType: file.type };
    };
    return new Promise((resolve, reject) => {
      const aborted = () => reject(new TransportError('aborted', 'Upload cancelled'));
      if (options.signal?.aborted) return aborted();
      options.signal?.addEventListener('abort', aborted);
      if (this.uploadMode === 'refuse')
        return reject(new TransportError('refused', 'File refused by the server'));
      if (this.uploadMode === 'instant') {
        options.onProgress?.(file.size, file.size);
        return resolve(result());
      }
      options.onProgress?.(file.size / 2, file.size);
      this.heldUploads.push(() => {
        if (options.signal?.aborted) return;
        options.onProgress?.(file.size, file.size);
        resolve(result());
      });
    });
  }

  finishUploads(): void {
    for (const finish of this.heldUploads.splice(0)) finish();
  }

  // ---- driving the emulator from tests ----

  /** Delivers a message from the bot (defaults) or whoever `author` says. */
  receive(partial: Partial<IncomingMessage> & { text: string }): IncomingMessage {
    const msg: IncomingMessage = {
      id: `in-${++this.seq}`,
      at: Date.now(),
      author: { kind: 'bot', name: 'Bot' },
      ...partial,
    };
    this.events.emit('message', msg);
    return msg;
  }

  /** Settles every held send as confirmed. */
  confirmHeld(): void {
    for (const h of this.held.splice(0)) h.resolve({ id: `srv-${++this.seq}`, confirmed: true });
  }

  /** A lost link: sends in flight fail as retryable, and the link comes back on the next task. */
  drop(): void {
    if (this.currentStatus !== 'connected') return;
    for (const h of this.held.splice(0)) h.reject(new TransportError('disconnected', 'Connection lost'));
    this.setStatus({ status: 'reconnecting', reason: 'network', retryInMs: 0 });
    setTimeout(() => {
      if (this.currentStatus === 'reconnecting') this.setStatus({ status: 'connected' });
    }, 0);
  }

  /** Messages accepted with this text (the backend's count, for the contract suite). */
  delivered(text: string): number {
    return this.sent.filter((m) => m.text === text).length;
  }

  emitStatus(change: StatusChange): void {
    this.setStatus(change);
  }

  typing(on: boolean, name = 'Bot'): void {
    this.events.emit('typing', { on, author: { kind: 'bot', name } });
  }

  emitTyping(change: TypingChange): void {
    this.events.emit('typing', change);
  }

  read(messageId: string): void {
    this.events.emit('read', { messageId });
  }

  operator(change: OperatorChange): void {
    this.events.emit('operator', change);
  }

  endSession(reason = 'terminal'): void {
    this.events.emit('sessionEnded', { reason });
  }

  fail(error: TransportError): void {
    this.events.emit('error', error);
  }

  reset(): void {
    this.seq += 0; // nothing to forget in memory; kept for the contract
  }

  /** How many times `forget` (logout) was called; tests read it. */
  forgotten = 0;

  forget(): void {
    this.forgotten += 1;
    this.disconnect();
  }
}

export const createEmulatorAdapter = (options?: EmulatorOptions) => new EmulatorAdapter(options);
