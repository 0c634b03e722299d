/**
 * The widget's state, as signals, and the only place that talks to the transport. One factory
 * creates everything and `dispose()` tears it down, so several widgets on a page share nothing.
 */
import { batch, computed, effect, signal } from '@preact/signals';
import { Emitter } from '../core/emitter';
import { isTime, MAX_FUTURE_MS } from '../core/guards';
import { randomId } from '../core/ids';
import type { KeyValueStore } from '../core/storage';
import type {
  Answer,
  Author,
  IncomingMessage,
  StatusChange,
  TransportError,
  TypingChange,
  UploadRequest,
} from '../core/types';
import type { Capabilities, Transport } from '../transports/types';
import { type IndexedList, incomingKey, indexFor, markRead, mergeInto, update } from './conversation';
import { createOlder } from './older';
import { createOutbox } from './outbox';
import { createPersister } from './persist';
import { clearConversation, loadDraft, loadMessages, saveDraft, storedView } from './persistence';
import { createStreams } from './streams';
import type { createTabSync, TabPeers } from './tab-sync';
import type { ChatMessage, Notice } from './types';
import { createUploads, type UploadLimits } from './uploads';

export interface StoreEvents {
  message: ChatMessage;
  sent: ChatMessage;
  status: StatusChange;
  error: TransportError;
  open: undefined;
  close: undefined;
  /** The visitor logged out, here or in another tab: nothing of the old conversation is left. */
  logout: undefined;
}

export interface ChatStoreOptions {
  transport: Transport;
  storage: KeyValueStore;
  now?: () => number;
  /** A message not confirmed this long after it was handed to the transport is marked failed. */
  confirmTimeoutMs?: number;
  /** How long a typing indicator lives when the backend never says it stopped. */
  typingTimeoutMs?: number;
  /** Limits for files the visitor attaches (default 10 MB, any type the backend takes). */
  uploadLimits?: UploadLimits;
  /**
   * Batches incoming messages: frames wait until `schedule` calls back, then they make one new list
   * (one render, one save), `SLICE` frames at a time for up to `TICK_MS` (by `now`): a longer burst
   * goes on at the next call. The widget passes the next animation frame; without it each frame is
   * applied at once. Anything else that touches the list applies all the waiting frames first.
   */
  schedule?: (apply: () => void) => void;
}

export type ChatStore = ReturnType<typeof createChatStore>;

/**
 * A `schedule` tick applies incoming frames `SLICE` at a time while it has worked less than
 * `TICK_MS`, and leaves the rest to the next tick: a burst of any size is spread over frames whose
 * tasks stay short (the log then renders its tail once per tick), on a busy machine too, while an
 * idle one still shows a burst of a thousand at once.
 */
export const SLICE = 100;
const TICK_MS = 8;

/** How long a tab waits for the leading tab to confirm a logout before trusting events again. */
const LOGOUT_CONFIRM_MS = 5000;

export function createChatStore(options: ChatStoreOptions) {
  const { transport, storage } = options;
  const now = options.now ?? Date.now;
  const events = new Emitter<StoreEvents>();

  /** What this store read and wrote of the stored conversation (its own: see persistence.ts). */
  const view = storedView();
  const messages = signal<ChatMessage[]>(loadMessages(storage, view));
  const status = signal<StatusChange>({ status: 'idle' });
  const isOpen = signal(false);
  const draft = signal(loadDraft(storage));
  const typing = signal<TypingChange | null>(null);
  const operator = signal<Author | null>(null);
  const ended = signal(false);
  const error = signal<TransportError | null>(null);
  const unread = signal(0);
  const capabilities: Capabilities = transport.capabilities;

  const connected = computed(() => status.value.status === 'connected');
  /** `connect()` was called (since the last logout): the embed code connects lazily. */
  let wantsConnection = false;
  /** This tab holds the connection (always, when tabs cannot coordinate). */
  const leader = signal(true);
  /** Set once the tabs of the site share the conversation (`joinTabs`). */
  let sync: ReturnType<typeof createTabSync> | undefined;
  /**
   * The files the backend asked for, when its uploads are `onRequest` (ChatFAQ's `file_upload`):
   * the attach button shows while this is set; the visitor's next message answers it.
   */
  const uploadOffer = signal<UploadRequest | null>(null);
  /** Answers still streaming: their text grows here, not in `messages` (see streams.ts). */
  const streams = createStreams();
  const disposers: Array<() => void> = [];
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  // The outbox lives in this list, so what the visitor wrote survives a reload.
  const persister = createPersister({
    storage,
    view,
    messages,
    onStale: () => staleHere(),
    settle: () => settle(),
  });
  disposers.push(effect(() => saveDraft(storage, draft.value)));

  const older = createOlder({
    transport,
    storage,
    messages,
    settle: () => settle(),
    keepLocal: (items) => sync?.keepLocal(items),
  });

  /** Frames waiting for the next `options.schedule` tick (empty when applied at once). */
  const incoming: IncomingMessage[] = [];
  let disposed = false;
  let ticking = false;

  const outbox = createOutbox({
    transport,
    messages,
    // One tab sends for all: the others' messages reach it through the tab sync.
    connected: computed(() => connected.value && leader.value),
    confirmTimeoutMs: options.confirmTimeoutMs ?? 15_000,
    onSent: (m) => events.emit('sent', m),
  });
  disposers.push(outbox.dispose);

  const uploads = createUploads(
    transport,
    options.uploadLimits ?? {
      maxBytes: 10 * 1024 * 1024,
      accept: transport.capabilities.uploads ? (transport.capabilities.uploads.accept ?? []) : [],
    },
  );
  disposers.push(uploads.dispose);

  function addNotice(notice: Notice): void {
    settle();
    // Every tab derives the same notices from the same events: the same key, so tabs merge them.
    const prefix = `notice:${notice.type}:`;
    const count = messages.value.reduce(
      (n, m) => (m.key.startsWith(prefix) ? Math.max(n, Number(m.key.slice(prefix.length)) || 0) : n),
      0,
    );
    messages.value = [
      ...messages.value,
      {
        key: `${prefix}${count + 1}`,
        direction: 'in',
        text: '',
        at: now(),
        author: { kind: 'system' },
        kind: 'regular',
        notice,
      },
    ];
  }

  /** The next tick applies the oldest waiting frames (see SLICE), and asks for another while some wait. */
  function tick(schedule: (apply: () => void) => void): void {
    if (ticking) return;
    ticking = true;
    schedule(() => {
      ticking = false;
      if (disposed) return;
      // A hidden page draws no frames (its ticks come from a throttled timer): all at once there.
      if (globalThis.document?.hidden) return settle();
      const start = now();
      // One batch: the list's readers (storage, other tabs, the log) run once for the tick.
      batch(() => {
        while (incoming.length) {
          applyIncoming(incoming.splice(0, SLICE));
          if (now() - start >= TICK_MS) break;
        }
      });
      if (incoming.length) tick(schedule);
    });
  }

  function onMessage(frame: IncomingMessage): void {
    // Whatever the adapter let through: a time a Date cannot hold, or absurdly in the future, shows
    // as the arrival time (decoders do the same; this holds for every adapter).
    const arrived = now();
    const msg = isTime(frame.at) && frame.at <= arrived + MAX_FUTURE_MS ? frame : { ...frame, at: arrived };
    if (!options.schedule) {
      applyIncoming([msg]);
      return;
    }
    incoming.push(msg);
    tick(options.schedule);
  }

  /** Applies the frames still waiting, before anything else reads or changes the list. */
  function settle(): void {
    if (incoming.length) applyIncoming(incoming.splice(0));
  }

  /** The list the last batch made, with its id index: the next batch extends it (`indexFor`). */
  let indexed: IndexedList | null = null;

  /** One new list, one render and one save for any number of frames: a burst costs what one does. */
  function applyIncoming(batchOf: readonly IncomingMessage[]): void {
    const list = messages.value;
    const next = list.slice();
    const index = indexFor(list, indexed);
    const added: Array<{ item: ChatMessage; partial: boolean }> = [];
    let fromOthers = false;
    for (const msg of batchOf) {
      const merged = mergeInto(next, msg, index);
      if (!merged) continue; // duplicate delivery
      // Before the list changes, so the render that shows the new item finds its growing text.
      if (msg.partial && msg.author.kind !== 'visitor') streams.start(incomingKey(msg.id), msg.text);
      if (msg.uploadRequest && msg.author.kind !== 'visitor') uploadOffer.value = msg.uploadRequest;
      if (msg.author.kind !== 'visitor') fromOthers = true;
      if (merged.added) added.push({ item: merged.item, partial: !!msg.partial });
    }
    if (next.length === list.length && !added.length && next.every((m, i) => m === list[i])) {
      indexed = { list, index };
      return;
    }
    indexed = { list: next, index };
    const unseen = added.filter((a) => a.item.direction === 'in').length;
    batch(() => {
      messages.value = older.bound(next);
      if (fromOthers && typing.value) typing.value = null;
      if (unseen && !isOpen.value) unread.value += unseen;
    });
    // A streamed answer is announced to the page when it is complete (see messageUpdated).
    for (const a of added) if (!a.partial) events.emit('message', a.item);
  }

  /**
   * After a logout in a tab that does not hold the connection, events of the old visitor may still
   * be on their way from the tab that does; they are dropped until it confirms the logout.
   */
  let oldVisitorUntil = 0;
  const listen: Transport['on'] = (event, fn) =>
    transport.on(event, (value) => {
      if (now() >= oldVisitorUntil) fn(value);
    });

  /**
   * A message changed. A chunk of a streaming answer is O(1): one signal write that re-renders its
   * bubble alone. The final text (or any other edit) goes into the list once.
   */
  function onUpdated(msg: IncomingMessage): void {
    settle();
    const key = incomingKey(msg.id);
    if (msg.partial && streams.update(key, msg.text)) return;
    const streamed = streams.text(key) !== undefined;
    streams.end(key);
    const patch: Partial<ChatMessage> = { text: msg.text };
    if (msg.answers?.length) patch.answers = msg.answers;
    if (msg.attachments?.length) patch.attachments = msg.attachments;
    messages.value = update(messages.value, key, patch);
    const done = streamed ? messages.value.find((m) => m.key === key) : undefined;
    if (done) events.emit('message', done);
  }

  /** The last answer the visitor may ask to regenerate: the bot's, after a message of theirs, final. */
  const regenerable = computed(() => {
    const list = messages.value;
    const last = list[list.length - 1];
    if (!transport.regenerate || !connected.value || !last?.id || last.notice) return null;
    if (last.author.kind !== 'bot' || streams.text(last.key)) return null;
    return list.some((m) => m.direction === 'out') ? last.key : null;
  });

  disposers.push(
    transport.on('status', (s) => {
      // An adapter emits what its gap fill found before it says "connected": apply it before the
      // outbox (which runs on "connected") looks at its queue, or a message of the visitor's the
      // server already has would be sent again.
      if (s.status === 'connected') {
        settle();
        older.connected();
      }
      status.value = s;
      if (s.status === 'connected') error.value = null;
      events.emit('status', s);
    }),
    listen('message', onMessage),
    listen('messageUpdated', onUpdated),
    listen('typing', (t) => {
      clearTimeout(typingTimer);
      // Backends often say only "an operator types": name the one we know is answering.
      const who =
        t.author.kind === 'operator' && !t.author.name && operator.value ? operator.value : t.author;
      typing.value = t.on ? { on: true, author: who } : null;
      if (t.on) typingTimer = setTimeout(() => (typing.value = null), options.typingTimeoutMs ?? 8000);
    }),
    listen('read', ({ messageId }) => {
      settle();
      messages.value = markRead(messages.value, messageId);
    }),
    listen('operator', (change) => {
      const prev = operator.value ?? change.previous;
      operator.value = change.operator;
      // The same operator again (now with a name, or announced anew after a reconnect): no notice.
      if (prev && prev.id !== undefined && prev.id === change.operator.id) return;
      addNotice(
        prev && prev.id !== change.operator.id
          ? { type: 'operator-changed', operator: change.operator, previous: prev }
          : { type: 'operator-joined', operator: change.operator },
      );
    }),
    listen('sessionEnded', () => {
      if (ended.value) return;
      ended.value = true;
      typing.value = null;
      addNotice({ type: 'session-ended' });
    }),
    transport.on('error', (e) => {
      error.value = e;
      events.emit('error', e);
    }),
  );

  /**
   * Queues a message from the visitor, with the finished uploads attached; it shows at once as
   * "sending". Returns null when there is nothing to send, or while an upload is still running
   * (the composer says so; sending then would silently leave the file behind).
   */
  function send(text: string, extra: { replyToId?: string; answerId?: string } = {}): ChatMessage | null {
    settle();
    const body = text.trim();
    if (uploads.busy.value) return null;
    if (!body && uploads.ready.value.length === 0) return null;
    if (ended.value) startNew();
    const clientId = randomId();
    const msg: ChatMessage = {
      key: clientId,
      clientId,
      direction: 'out',
      text: body,
      at: now(),
      author: { kind: 'visitor' },
      kind: 'regular',
      state: 'sending',
    };
    if (extra.replyToId) msg.replyToId = extra.replyToId;
    if (extra.answerId) msg.answerId = extra.answerId;
    if (uploads.ready.value.length) {
      const { ids, attachments } = uploads.take();
      msg.attachmentIds = ids;
      if (attachments.length) msg.attachments = attachments;
    }
    // Answer buttons belong to the question they came with: any later message from the visitor,
    // typed or chosen, ends those still open.
    const open = messages.value.some(
      (m) => m.answers?.length && m.chosenAnswer === undefined && !m.answersDone,
    );
    const before = open
      ? messages.value.map((m) =>
          m.answers?.length && m.chosenAnswer === undefined && !m.answersDone
            ? { ...m, answersDone: true }
            : m,
        )
      : messages.value;
    messages.value = [...before, msg];
    uploadOffer.value = null; // the visitor answered the request (with a file or without)
    outbox.pump();
    return msg;
  }

  function chooseAnswer(messageKey: string, answer: Answer): void {
    settle();
    const target = messages.value.find((m) => m.key === messageKey);
    if (!target || target.chosenAnswer !== undefined) return;
    messages.value = update(messages.value, messageKey, { chosenAnswer: answer.text });
    send(answer.text, {
      ...(target.id ? { replyToId: target.id } : {}),
      ...(answer.id ? { answerId: answer.id } : {}),
    });
  }

  /**
   * "Regenerate": the backend answers the visitor's last message again. The whole answer goes (every
   * message of the bot's turn, from the first after the visitor's message) and the new one streams in.
   */
  function regenerate(key: string): void {
    settle();
    const list = messages.value;
    let start = list.findIndex((m) => m.key === key);
    if (start === -1) return;
    while (start > 0 && list[start - 1]!.direction === 'in' && !list[start - 1]!.notice) start--;
    const first = list[start]!;
    if (!first.id || !transport.regenerate?.(first.id)) return;
    for (const m of list.slice(start)) streams.end(m.key);
    messages.value = list.slice(0, start);
  }

  function retry(key: string): void {
    // A new round: this "sending" is later than any "failed" before it, in every tab (merge.ts).
    const retries = (messages.value.find((m) => m.key === key)?.retries ?? 0) + 1;
    messages.value = update(messages.value, key, {
      state: 'sending',
      failure: undefined,
      unconfirmed: undefined,
      retries,
    });
    outbox.pump();
  }

  function showOpen(open: boolean): boolean {
    if (isOpen.value === open) return false;
    batch(() => {
      isOpen.value = open;
      if (open) unread.value = 0;
    });
    events.emit(open ? 'open' : 'close', undefined);
    return true;
  }

  function setOpen(open: boolean): void {
    if (showOpen(open)) sync?.shareOpen(open);
  }

  function showNew(): void {
    batch(() => {
      ended.value = false;
      operator.value = null;
      uploadOffer.value = null;
    });
  }

  /** Starts a new conversation after the backend ended the previous one. */
  function startNew(): void {
    showNew();
    sync?.shareStartNew();
    transport.reset?.();
    transport.connect();
  }

  /** Forgets what this tab shows of the conversation (after a logout here or elsewhere). */
  function forgetHere(): void {
    clearTimeout(typingTimer);
    incoming.length = 0; // frames of the old visitor still waiting for their tick
    streams.clear();
    older.reset();
    batch(() => {
      messages.value = [];
      draft.value = '';
      unread.value = 0;
      typing.value = null;
      operator.value = null;
      ended.value = false;
      error.value = null;
      uploadOffer.value = null;
    });
    // The old link goes; a new one (a new visitor) only if the chat is open, else when it opens.
    transport.disconnect();
    wantsConnection = wantsConnection && isOpen.peek();
    if (wantsConnection) transport.connect();
    events.emit('logout', undefined);
  }

  function retryConnection(): void {
    error.value = null;
    transport.disconnect();
    transport.connect();
  }

  /**
   * Logout (the JS API's `logout` and `clear`): the adapter forgets the visitor (token, session,
   * conversation and channel ids), and every tab forgets the conversation and the draft, so a
   * reload shows nothing of it. The adapter goes first, so that the tab holding the connection
   * has dropped the old visitor before any tab asks it to connect again.
   */
  function logout(): void {
    transport.forget?.();
    persister.newEpoch();
    clearConversation(storage);
    if (sync) {
      sync.shareLogout(persister.epoch ?? '', leader.peek());
      if (!leader.peek()) oldVisitorUntil = now() + LOGOUT_CONFIRM_MS;
    }
    forgetHere();
  }

  /** A logout told by another tab (`fromLeader`: the tab holding the connection has forgotten). */
  function loggedOutElsewhere(epoch: string, fromLeader: boolean): void {
    if (epoch !== persister.epoch) {
      persister.adoptEpoch(epoch);
      forgetHere();
    }
    if (fromLeader) oldVisitorUntil = 0;
    else if (leader.peek()) {
      // Our adapter forgot on the initiator's request (the wrapper's forget); now say so, after
      // every event of the old visitor this tab relayed.
      oldVisitorUntil = 0;
      sync?.shareLogout(epoch, true);
    } else oldVisitorUntil = now() + LOGOUT_CONFIRM_MS;
  }

  /** Storage holds another conversation's epoch: a logout elsewhere that this tab was not told of yet. */
  function staleHere(): void {
    forgetHere();
    if (sync && !leader.peek()) oldVisitorUntil = now() + LOGOUT_CONFIRM_MS;
  }

  /**
   * From now on the other tabs of the site share the conversation: the outbox, the open state and
   * logout stay the same in all of them, and only the leading tab flushes the outbox. Called at
   * once by a tab that found others, or by the first tab when a second one shows up (embed/tabs.ts:
   * the sync's code, `create`, loads only then). Once.
   */
  function joinTabs(peers: TabPeers, create: typeof createTabSync): void {
    if (sync || disposed) return;
    leader.value = peers.election.leader;
    disposers.push(peers.election.onChange((v) => (leader.value = v)));
    sync = create({
      peers,
      messages,
      isOpen,
      unread,
      onItems: () => outbox.pump(),
      onOpen: (open) => void showOpen(open),
      onStartNew: showNew,
      onLogout: loggedOutElsewhere,
      epoch: () => persister.epoch,
    });
  }

  return {
    messages,
    status,
    isOpen,
    draft,
    typing,
    operator,
    ended,
    error,
    unread,
    capabilities,
    uploads,
    events,
    transport,
    send,
    chooseAnswer,
    retry,
    /** Whether older messages may exist, are loading, or this is the beginning (older.ts). */
    older: older.state,
    /** Brings older messages in at the start: from storage, then from the backend's history. */
    loadOlder: older.load,
    /** A log too short to scroll asks with this: older messages only for a resumed conversation. */
    fillOlder: older.fill,
    /** The conversation held messages from the backend before this page connected (older.ts). */
    olderResumed: older.resumed,
    /** Loads the code that brings older messages ahead of its first use (the panel opened). */
    prefetchOlder: older.prefetch,
    /** The growing text of an answer still streaming (undefined once final): a bubble reads it. */
    streamText: streams.text,
    uploadOffer,
    regenerate,
    regenerable,
    setOpen,
    joinTabs,
    startNew,
    retryConnection,
    logout,
    clear: logout,
    connect(): void {
      wantsConnection = true;
      transport.connect();
    },
    /** True once `connect()` was called, until a logout with the panel closed. */
    wantsConnection: () => wantsConnection,
    dispose(): void {
      disposed = true;
      clearTimeout(typingTimer);
      sync?.dispose();
      persister.dispose();
      streams.clear();
      for (const d of disposers.splice(0)) d();
      transport.disconnect();
      events.clear();
    },
  };
}
