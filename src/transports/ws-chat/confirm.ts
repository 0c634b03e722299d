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
 * echoes cannot confirm at all. Whether it echoes is learnt without making anyone wait.
 */
import type { SendReceipt, TransportError } from '../../core/types';
import { wsError } from './errors';
import { PING_FRAME } from './protocol-envelope';

type InFlight = { kind: 'ping' } | { kind: 'send'; resolve: () => void; reject: (e: TransportError) => void };

export class PingConfirmations {
  private queue: InFlight[] = [];
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  private keepAlive: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly write: (text: string) => boolean,
    private readonly watchdogMs: number,
    private readonly onDead: () => void,
  ) {}

  /** Writes the frame and a ping; resolves when the ping is answered with no `error` before it. */
  send(frame: string): Promise<void> | null {
    if (!this.write(frame)) return null;
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'send', resolve, reject });
      this.ping();
    });
  }

  ping(): void {
    if (!this.write(PING_FRAME)) return;
    this.queue.push({ kind: 'ping' });
    this.watchdog ??= setTimeout(() => this.onDead(), this.watchdogMs);
  }

  /** A `ping` answer: everything written before that ping was handled. */
  answered(): void {
    const i = this.queue.findIndex((f) => f.kind === 'ping');
    if (i === -1) return;
    for (const f of this.queue.splice(0, i + 1)) if (f.kind === 'send') f.resolve();
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    if (this.queue.some((f) => f.kind === 'ping'))
      this.watchdog = setTimeout(() => this.onDead(), this.watchdogMs);
  }

  /** An `error` event: it answers the oldest message not yet confirmed. False when none is waiting. */
  refused(error: TransportError): boolean {
    const i = this.queue.findIndex((f) => f.kind === 'send');
    const f = this.queue[i];
    if (f?.kind !== 'send') return false;
    this.queue.splice(i, 1);
    f.reject(error);
    return true;
  }

  startKeepAlive(intervalMs: number): void {
    clearInterval(this.keepAlive);
    this.keepAlive = setInterval(() => this.ping(), intervalMs);
  }

  /** The link is gone: every waiting message fails with `error`, every timer stops. */
  stop(error: TransportError): void {
    clearInterval(this.keepAlive);
    clearTimeout(this.watchdog);
    this.keepAlive = this.watchdog = undefined;
    for (const f of this.queue.splice(0)) if (f.kind === 'send') f.reject(error);
  }
}

interface Pending {
  resolve: (r: SendReceipt) => void;
  reject: (e: TransportError) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class EchoConfirmations {
  private readonly pending = new Map<string, Pending>();
  private readonly learning = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly watchdogMs: number,
    /** true / false once learnt; undefined before. */
    private readonly echoes: { get(): boolean | undefined; set(v: boolean): void },
    private readonly onDead: () => void,
  ) {}

  /** After a frame went out: waits for its echo only where the server is known to echo. */
  wait(clientId: string): Promise<SendReceipt> {
    const echoes = this.echoes.get();
    if (echoes !== true) {
      // Written is the best confirmation such a server gives; learn meanwhile whether it echoes.
      if (echoes === undefined) {
        this.learning.set(
          clientId,
          setTimeout(() => {
            this.learning.delete(clientId);
            this.echoes.set(false);
          }, this.watchdogMs),
        );
      }
      return Promise.resolve({ confirmed: false });
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // This server always echoed: silence means the link is dead even if the socket says open.
        this.pending.delete(clientId);
        reject(wsError('disconnected', 'Link silent'));
        this.onDead();
      }, this.watchdogMs);
      this.pending.set(clientId, { resolve, reject, timer });
    });
  }

  /** Client ids of the messages still waiting for their echo. */
  waiting(): string[] {
    return [...this.pending.keys()];
  }

  /** The echo of a message: confirms it, and proves the server echoes. */
  echoed(clientId: string, receipt: SendReceipt): void {
    this.echoes.set(true);
    clearTimeout(this.learning.get(clientId));
    this.learning.delete(clientId);
    const p = this.pending.get(clientId);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(clientId);
    p.resolve(receipt);
  }

  stop(error: TransportError): void {
    for (const t of this.learning.values()) clearTimeout(t);
    this.learning.clear();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
  }
}
