/**
 * How a sent message is confirmed, per generation, and how a dead link is noticed on the way.
 *
 * Envelope: the server never echoes a `sendMessage` to its sender, and answers a refused one with an
 * `error` event. It handles one socket's frames in order, so a `ping` written right after the message
 * is answered only after the message was handled: its answer with no `error` before it confirms the
 * message, without waiting out any time window. The same pings, on an interval, keep the link
 * checked; one unanswered for `watchdogMs` means the link is dead.
 *
 * Flat: a server that echoes `metadata.clientMessageId` confirms with the echo; one that never
 * echoes cannot confirm at all. Whether it echoes is learnt from the first message.
 */
import type { SendReceipt, TransportError } from '../../core/types';
import { wsError } from './errors';
import { PING_FRAME } from './protocol-envelope';

type InFlight = { kind: 'ping' } | { kind: 'send'; resolve: () => void; reject: (e: TransportError) => void };

export class PingConfirmations {
  #queue: InFlight[] = [];
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  #keepAlive: ReturnType<typeof setInterval> | undefined;

  readonly #write: (text: string) => boolean;
  readonly #watchdogMs: number;
  readonly #onDead: () => void;

  constructor(write: (text: string) => boolean, watchdogMs: number, onDead: () => void) {
    this.#write = write;
    this.#watchdogMs = watchdogMs;
    this.#onDead = onDead;
  }

  /** Writes the frame and a ping; resolves when the ping is answered with no `error` before it. */
  send(frame: string): Promise<void> | null {
    if (!this.#write(frame)) return null;
    return new Promise((resolve, reject) => {
      this.#queue.push({ kind: 'send', resolve, reject });
      this.ping();
    });
  }

  ping(): void {
    if (!this.#write(PING_FRAME)) return;
    this.#queue.push({ kind: 'ping' });
    this.#watchdog ??= setTimeout(() => this.#onDead(), this.#watchdogMs);
  }

  /** A `ping` answer: everything written before that ping was handled. */
  answered(): void {
    const i = this.#queue.findIndex((f) => f.kind === 'ping');
    if (i === -1) return;
    for (const f of this.#queue.splice(0, i + 1)) if (f.kind === 'send') f.resolve();
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    if (this.#queue.some((f) => f.kind === 'ping'))
      this.#watchdog = setTimeout(() => this.#onDead(), this.#watchdogMs);
  }

  /** An `error` event: it answers the oldest message not yet confirmed. False when none is waiting. */
  refused(error: TransportError): boolean {
    const i = this.#queue.findIndex((f) => f.kind === 'send');
    const f = this.#queue[i];
    if (f?.kind !== 'send') return false;
    this.#queue.splice(i, 1);
    f.reject(error);
    return true;
  }

  startKeepAlive(intervalMs: number): void {
    clearInterval(this.#keepAlive);
    this.#keepAlive = setInterval(() => this.ping(), intervalMs);
  }

  /** The link is gone: every waiting message fails with `error`, every timer stops. */
  stop(error: TransportError): void {
    clearInterval(this.#keepAlive);
    clearTimeout(this.#watchdog);
    this.#keepAlive = this.#watchdog = undefined;
    for (const f of this.#queue.splice(0)) if (f.kind === 'send') f.reject(error);
  }
}

interface Pending {
  resolve: (r: SendReceipt) => void;
  reject: (e: TransportError) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class EchoConfirmations {
  readonly #pending = new Map<string, Pending>();

  readonly #watchdogMs: number;
  /** true / false once learnt; undefined before. */
  readonly #echoes: { get(): boolean | undefined; set(v: boolean): void };
  readonly #onDead: () => void;

  constructor(
    watchdogMs: number,
    echoes: { get(): boolean | undefined; set(v: boolean): void },
    onDead: () => void,
  ) {
    this.#watchdogMs = watchdogMs;
    this.#echoes = echoes;
    this.#onDead = onDead;
  }

  /**
   * After a frame went out. A server known not to echo: written is the best confirmation it gives,
   * at once. Otherwise the echo confirms; none within `watchdogMs` means a dead link where the
   * server is known to echo, and a server that never echoes where that was not known yet (learnt
   * once: only the first message to a new backend waits). A drop meanwhile fails the send as
   * retryable, so a frame written on a dying socket is sent again rather than lost.
   */
  wait(clientId: string): Promise<SendReceipt> {
    if (this.#echoes.get() === false) return Promise.resolve({ confirmed: false });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(clientId);
        if (this.#echoes.get() === undefined) {
          this.#echoes.set(false);
          resolve({ confirmed: false });
          return;
        }
        // This server always echoed: silence means the link is dead even if the socket says open.
        reject(wsError('disconnected', 'Link silent'));
        this.#onDead();
      }, this.#watchdogMs);
      this.#pending.set(clientId, { resolve, reject, timer });
    });
  }

  /** Client ids of the messages still waiting for their echo. */
  waiting(): string[] {
    return [...this.#pending.keys()];
  }

  /** The echo of a message: confirms it, and proves the server echoes. */
  echoed(clientId: string, receipt: SendReceipt): void {
    this.#echoes.set(true);
    const p = this.#pending.get(clientId);
    if (!p) return;
    clearTimeout(p.timer);
    this.#pending.delete(clientId);
    p.resolve(receipt);
  }

  stop(error: TransportError): void {
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.#pending.clear();
  }
}
