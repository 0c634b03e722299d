/**
 * One connection for all the tabs of a site. Every tab gets this wrapper as its `Transport`; the
 * tab the election made leader builds the real adapter (through `create`, so it reads the token
 * and session other tabs may have stored since) and relays every event of it on the tab bus; the
 * others re-emit those events and hand their calls (send, upload with the file itself, typing, read,
 * reset, forget) to the leader. When the leader goes away the next one builds its own adapter,
 * and each follower offers its unanswered calls again (an adapter repeats a send with the same
 * client id safely, so the backend and the store see it once).
 *
 * The wrapper moves calls and events, nothing else: which tab flushes the outbox and how the
 * transcript stays the same everywhere is the store's business (store/tab-sync.ts).
 */
import type { Election } from '../../core/election';
import { notConnected, TransportError } from '../../core/errors';
import { randomId } from '../../core/ids';
import type { TabBus } from '../../core/tab-bus';
import type { OutgoingMessage, SendReceipt, StatusChange } from '../../core/types';
import { TransportBase } from '../base';
import type {
  Capabilities,
  OlderCursor,
  OlderPage,
  Transport,
  TransportEvents,
  UploadOptions,
  UploadResult,
} from '../types';
import {
  type Call,
  decodeReceipt,
  decodeTabMessage,
  decodeUploadResult,
  encodeError,
  encodeEvent,
  type Notice,
  type RelayedEvent,
  type TabMessage,
  toError,
  type WireEvent,
} from './protocol';

type EventMessage = { t: 'tx:event'; from: string; event: WireEvent };

export interface TabSharedOptions {
  bus: TabBus;
  election: Election;
  /** Builds the real adapter. Called once to learn its kind and capabilities, then on each leadership. */
  create: () => Transport;
  /**
   * The adapter this tab ran alone until another tab showed up (embed/tabs.ts), with whether it
   * was asked to connect and its last status: it is the first real adapter as it is (its link
   * and calls in flight stay), and stands for the never-connected one.
   */
  adopt?: { transport: Transport; wanted: boolean; status: StatusChange };
}

interface PendingCall {
  id: string;
  call: Call;
  resolve: (value: unknown) => void;
  reject: (error: TransportError) => void;
  onProgress?: (loaded: number, total: number) => void;
}

const EVENT_NAMES: ReadonlyArray<keyof TransportEvents> = [
  'status',
  'message',
  'messageUpdated',
  'typing',
  'read',
  'operator',
  'sessionEnded',
  'error',
];

const unreadable = () => new TransportError('protocol', 'Unreadable answer from another tab');
const cancelled = () => new TransportError('aborted', 'Cancelled');

export class TabSharedTransport extends TransportBase implements Transport {
  readonly kind: string;
  readonly capabilities: Capabilities;
  readonly #id: string;
  /** Built but never connected: only for what a follower does without the leader (see upload). */
  readonly #local: Transport;
  /** The real adapter, while this tab leads. */
  #real: Transport | null = null;
  readonly #realOffs: Array<() => void> = [];
  /** Who leads, as far as we know (null between a goodbye and the next announcement). */
  #leaderId: string | null = null;
  /** The leader's last status, mirrored while this tab wants a connection. */
  #leaderStatus: StatusChange = { status: 'idle' };
  /** Leader: the real adapter's last status. */
  #realStatus: StatusChange = { status: 'idle' };
  /** This tab called connect() (and not disconnect() since). */
  #wanted = false;
  /** Leader: the followers that want the connection (it closes when neither they nor we do). */
  readonly #wanters = new Set<string>();
  /** Follower: calls the leader has not answered yet (offered again to a new leader). */
  readonly #calls = new Map<string, PendingCall>();
  /** Leader: uploads running for followers, to abort on request. */
  readonly #serving = new Map<string, AbortController>();
  readonly #offs: Array<() => void> = [];
  #closed = false;
  /** The adopted adapter led already. */
  #adopted = false;
  regenerate?: (messageId: string) => boolean;
  loadOlder?: (before: OlderCursor | null) => Promise<OlderPage>;
  prefetchOlder?: () => void;

  readonly #options: TabSharedOptions;

  constructor(options: TabSharedOptions) {
    super();
    this.#options = options;
    this.#id = options.election.id;
    const adopt = options.adopt;
    this.#local = adopt?.transport ?? options.create();
    if (adopt) {
      this.#wanted = adopt.wanted;
      this.#realStatus = adopt.status;
      this.currentStatus = adopt.status.status;
    }
    this.kind = this.#local.kind;
    this.capabilities = this.#local.capabilities;
    // Only where the adapter has it: the store offers "Regenerate" when the method exists.
    if (this.#local.regenerate) this.regenerate = (messageId) => this.#askRegenerate(messageId);
    // History is a plain HTTP call with what the adapter stored: any tab reads it itself.
    const local = this.#local;
    if (local.loadOlder) this.loadOlder = (before) => (this.#real ?? local).loadOlder!(before);
    if (local.prefetchOlder) this.prefetchOlder = () => local.prefetchOlder!();
    this.#offs.push(
      options.bus.on((raw) => {
        const msg = decodeTabMessage(raw);
        if (msg) this.#onBus(msg);
      }),
      options.election.onChange((leader) => (leader ? this.#lead() : this.#follow())),
    );
    if (options.election.leader) this.#lead();
    else this.#post({ t: 'tx:hello', from: this.#id });
  }

  /** True while this tab holds the connection. */
  get leading(): boolean {
    return this.#real !== null;
  }

  connect(): void {
    if (this.#closed) return;
    const already = this.#wanted;
    this.#wanted = true;
    if (this.#real) {
      this.#real.connect();
      return;
    }
    // Told even when already wanted: after a reset or a logout the leader's link is down until asked.
    this.#notifyLeader({ op: 'connect' });
    if (!already) this.#mirror(this.#leaderStatus);
  }

  disconnect(): void {
    if (this.#real) {
      this.#wanted = false;
      // The connection is shared: it goes only when no other tab wants it either.
      if (this.#wanters.size === 0) this.#real.disconnect();
      else this.setStatus({ status: 'disconnected' });
      return;
    }
    if (!this.#wanted) return;
    this.#wanted = false;
    this.#notifyLeader({ op: 'release' });
    this.#rejectCalls();
    this.setStatus({ status: 'disconnected' });
  }

  send(message: OutgoingMessage): Promise<SendReceipt> {
    if (this.#real) return this.#real.send(message);
    if (!this.#wanted) return Promise.reject(notConnected());
    return this.#call({ op: 'send', message }).then((v) => decodeReceipt(v) ?? Promise.reject(unreadable()));
  }

  upload(file: Blob & { name?: string }, options: UploadOptions = {}): Promise<UploadResult> {
    if (this.#real?.upload) return this.#real.upload(file, options);
    // Storage events carry JSON only: this tab uploads itself (an upload is a plain HTTP request).
    if (!this.#options.bus.carriesBlobs && this.#local.upload) return this.#local.upload(file, options);
    const call: Call = file.name ? { op: 'upload', file, name: file.name } : { op: 'upload', file };
    return this.#call(call, options).then((v) => decodeUploadResult(v) ?? Promise.reject(unreadable()));
  }

  #askRegenerate(messageId: string): boolean {
    if (this.#real) return this.#real.regenerate?.(messageId) ?? false;
    if (!this.#leaderId || this.#leaderStatus.status !== 'connected') return false;
    this.#notifyLeader({ op: 'regenerate', messageId });
    return true;
  }

  reset(): void {
    if (this.#real) this.#real.reset?.();
    else void this.#call({ op: 'reset' }).catch(() => {});
  }

  /**
   * Logout: the leader's adapter forgets the visitor (memory and storage, which all tabs share)
   * and closes its link. A follower also clears the storage at once through its unconnected
   * adapter, so a reload right after shows nothing even if the leader is slow to answer.
   */
  forget(): void {
    if (this.#real) {
      this.#real.forget?.();
      return;
    }
    this.#local.forget?.();
    void this.#call({ op: 'forget' }).catch(() => {});
  }

  /** Leaves the election and stops listening; the next tab in line takes the connection over. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#real) this.#post({ t: 'tx:bye', from: this.#id });
    this.#dropReal();
    this.#rejectCalls();
    for (const off of this.#offs.splice(0)) off();
    this.#options.election.stop();
  }

  // ---- leading ----

  #lead(): void {
    if (this.#closed || this.#real) return;
    const adopted = this.#options.adopt?.transport;
    // The adopted adapter leads once, first: after that, each leadership builds its own.
    const real = adopted && !this.#adopted ? adopted : this.#options.create();
    this.#adopted = true;
    this.#real = real;
    this.#leaderId = this.#id;
    this.#wanters.clear();
    if (real !== adopted) this.#realStatus = { status: 'idle' };
    for (const name of EVENT_NAMES) {
      this.#realOffs.push(real.on(name, (value) => this.#relay({ name, value } as RelayedEvent)));
    }
    this.#post({ t: 'tx:leader', from: this.#id, status: this.#realStatus });
    if (this.#wanted && real !== adopted) real.connect();
    // What this tab had asked of the previous leader, it now does itself.
    for (const pending of [...this.#calls.values()]) {
      this.#calls.delete(pending.id);
      this.#runLocally(pending);
    }
  }

  #follow(): void {
    if (!this.#real) return;
    this.#dropReal();
    this.#leaderId = null;
    if (this.#wanted) this.setStatus({ status: 'reconnecting', reason: 'leader' });
    this.#post({ t: 'tx:hello', from: this.#id });
  }

  #dropReal(): void {
    const real = this.#real;
    if (!real) return;
    for (const off of this.#realOffs.splice(0)) off();
    for (const c of this.#serving.values()) c.abort();
    this.#serving.clear();
    this.#real = null;
    real.disconnect();
  }

  #relay(event: RelayedEvent): void {
    // The other tabs first: what this tab's store makes of the event reaches them after it.
    this.#post({ t: 'tx:event', from: this.#id, event: encodeEvent(event) });
    if (event.name === 'status') {
      this.#realStatus = event.value;
      this.setStatus(event.value);
    } else if (!this.#emitEvent(event)) {
      // The adapter acknowledges a message only once its listeners took it (TWIN): a relay that
      // swallowed this tab's store failure let the server forget a message the store never kept.
      throw new Error(`${event.name} not taken`);
    }
  }

  #runLocally(pending: PendingCall): void {
    this.#perform(pending.call, pending.onProgress, undefined).then(pending.resolve, pending.reject);
  }

  #perform(
    call: Call,
    onProgress: ((loaded: number, total: number) => void) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const real = this.#real;
    if (!real) return Promise.reject(notConnected());
    switch (call.op) {
      case 'send':
        return real.send(call.message);
      case 'upload': {
        if (!real.upload) return Promise.reject(new TransportError('refused', 'No uploads here'));
        const { file: blob, name } = call;
        const file = name && !('name' in blob) ? new File([blob], name, { type: blob.type }) : blob;
        const opts: UploadOptions = {};
        if (onProgress) opts.onProgress = onProgress;
        if (signal) opts.signal = signal;
        return real.upload(file, opts);
      }
      case 'reset':
        real.reset?.();
        return Promise.resolve(null);
      case 'forget':
        real.forget?.();
        return Promise.resolve(null);
    }
  }

  #serve(msg: Extract<TabMessage, { t: 'tx:call' }>): void {
    const controller = new AbortController();
    if (msg.call.op === 'upload') this.#serving.set(msg.id, controller);
    const onProgress = (loaded: number, total: number) =>
      this.#post({ t: 'tx:progress', to: msg.from, id: msg.id, loaded, total });
    const real = this.#real;
    // An answer from an adapter we dropped (this tab stopped leading) is no answer: the follower
    // offers the call again to the next leader.
    const answer = (m: TabMessage) => this.#real === real && this.#post(m);
    this.#perform(msg.call, onProgress, controller.signal)
      .then(
        (value) => answer({ t: 'tx:done', to: msg.from, id: msg.id, value }),
        (err: unknown) => answer({ t: 'tx:fail', to: msg.from, id: msg.id, error: encodeError(err) }),
      )
      .finally(() => this.#serving.delete(msg.id));
  }

  // ---- following ----

  #call(call: Call, options: UploadOptions = {}): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const pending: PendingCall = { id: randomId(), call, resolve, reject };
      if (options.onProgress) pending.onProgress = options.onProgress;
      const { signal } = options;
      if (signal) {
        if (signal.aborted) return reject(cancelled());
        signal.addEventListener('abort', () => {
          if (!this.#calls.delete(pending.id)) return;
          if (this.#leaderId)
            this.#post({ t: 'tx:abort', from: this.#id, to: this.#leaderId, id: pending.id });
          reject(cancelled());
        });
      }
      if (this.#real) return this.#runLocally(pending);
      this.#calls.set(pending.id, pending);
      this.#offer(pending);
    });
  }

  #offer(pending: PendingCall): void {
    if (this.#leaderId && this.#leaderId !== this.#id) {
      this.#post({ t: 'tx:call', from: this.#id, to: this.#leaderId, id: pending.id, call: pending.call });
    }
  }

  #notifyLeader(notice: Notice): void {
    if (this.#leaderId && this.#leaderId !== this.#id) {
      this.#post({ t: 'tx:notice', from: this.#id, to: this.#leaderId, notice });
    }
  }

  #rejectCalls(): void {
    for (const pending of this.#calls.values()) pending.reject(notConnected());
    this.#calls.clear();
  }

  #onLeader(from: string, status: StatusChange): void {
    const changed = this.#leaderId !== from;
    this.#leaderId = from;
    this.#onLeaderStatus(status);
    if (!changed) return;
    if (this.#wanted) this.#notifyLeader({ op: 'connect' });
    for (const pending of this.#calls.values()) this.#offer(pending);
  }

  #onLeaderStatus(status: StatusChange): void {
    this.#leaderStatus = status;
    this.#mirror(status);
  }

  /** Shows the leader's status while this tab wants a connection; idle there means "on its way". */
  #mirror(status: StatusChange): void {
    if (!this.#wanted) return;
    const shown: StatusChange =
      this.#leaderId && status.status !== 'idle' ? status : { status: 'connecting' };
    if (shown.status !== this.currentStatus || shown.status === 'reconnecting') this.setStatus(shown);
  }

  // ---- the bus ----

  #onBus(msg: TabMessage): void {
    if (this.#closed) return;
    if (this.#real) {
      this.#onBusAsLeader(msg);
      return;
    }
    switch (msg.t) {
      case 'tx:leader':
        this.#onLeader(msg.from, msg.status);
        return;
      case 'tx:bye':
        if (msg.from !== this.#leaderId) return;
        this.#leaderId = null;
        if (this.#wanted) this.setStatus({ status: 'reconnecting', reason: 'leader' });
        return;
      case 'tx:event':
        // Joined while a leader was already talking: it is the leader.
        if (this.#leaderId === null) this.#onLeader(msg.from, this.#leaderStatus);
        if (msg.from !== this.#leaderId) return;
        if (msg.event.name === 'status') this.#onLeaderStatus(msg.event.value);
        else this.#emitEvent(msg.event);
        return;
      case 'tx:progress':
        this.#calls.get(msg.id)?.onProgress?.(msg.loaded, msg.total);
        return;
      case 'tx:done':
      case 'tx:fail': {
        if (msg.to !== this.#id) return;
        const pending = this.#calls.get(msg.id);
        if (!pending) return;
        this.#calls.delete(msg.id);
        if (msg.t === 'tx:done') pending.resolve(msg.value);
        else pending.reject(toError(msg.error));
        return;
      }
      default:
        return;
    }
  }

  #onBusAsLeader(msg: TabMessage): void {
    switch (msg.t) {
      case 'tx:hello':
        this.#post({ t: 'tx:leader', from: this.#id, status: this.#realStatus });
        return;
      case 'tx:notice':
        if (msg.to !== this.#id) return;
        if (msg.notice.op === 'connect') {
          this.#wanters.add(msg.from);
          this.#real?.connect();
        } else if (msg.notice.op === 'release') {
          this.#wanters.delete(msg.from);
          if (!this.#wanted && this.#wanters.size === 0) this.#real?.disconnect();
        } else this.#real?.regenerate?.(msg.notice.messageId);
        return;
      case 'tx:call':
        if (msg.to === this.#id) this.#serve(msg);
        return;
      case 'tx:abort':
        if (msg.to === this.#id) this.#serving.get(msg.id)?.abort();
        return;
      default:
        return;
    }
  }

  /** True when every listener (the store) took it. */
  #emitEvent(event: RelayedEvent): boolean {
    return (this.events.emit as (name: string, value: unknown) => boolean)(event.name, event.value);
  }

  #post(msg: TabMessage | EventMessage): void {
    this.#options.bus.post(msg);
  }
}

export const createTabSharedTransport = (options: TabSharedOptions) => new TabSharedTransport(options);
