/**
 * Keeps the stores of all tabs of a site showing the same thing. The transport events reach every
 * tab already (transports/tabs/shared.ts), so each store derives the same incoming messages,
 * typing and unread count by itself; what only one tab can know travels here:
 *
 * - messages changed by this tab (the visitor's new message, a retry, a chosen answer, the send
 *   states the leader's outbox sets), as items merged by key on arrival (store/merge.ts);
 * - the panel opening or closing (unless this widget is inline: always open, nothing to share);
 * - a new conversation after the backend ended one, and a logout;
 * - for a tab that just opened, the leader's current list and unread count.
 *
 * Messages are decoded like storage (they may come from another Parley version or from the page).
 */
import { batch, effect, type Signal } from '@preact/signals';
import type { Election } from '../core/election';
import { isObj } from '../core/guards';
import type { TabBus } from '../core/tab-bus';
import { applyItems, mergeLists } from './merge';
import { decodeMessages } from './persistence';
import type { ChatMessage } from './types';

/** What the embed code hands the store when tabs can coordinate. */
export interface TabPeers {
  bus: TabBus;
  election: Election;
  /** Share the panel's open state (false for an inline widget, which is always open). */
  shareOpen: boolean;
}

export interface TabSyncOptions {
  peers: TabPeers;
  messages: Signal<ChatMessage[]>;
  isOpen: Signal<boolean>;
  unread: Signal<number>;
  /** Another tab changed messages (the leader may have new ones to send). */
  onItems: () => void;
  onOpen: (open: boolean) => void;
  onStartNew: () => void;
  /** Another tab logged out; `fromLeader`: the tab holding the connection has forgotten the visitor. */
  onLogout: (epoch: string, fromLeader: boolean) => void;
  /** The conversation's epoch (store/persist.ts): items of another epoch are of a conversation gone. */
  epoch: () => string | null;
}

type Epoch = string | null;

type StoreMessage =
  | { t: 'st:items'; from: string; epoch: Epoch; items: ChatMessage[] }
  | { t: 'st:open'; from: string; open: boolean }
  | { t: 'st:new'; from: string }
  | { t: 'st:logout'; from: string; epoch: string; leader: boolean }
  | { t: 'st:hello'; from: string }
  | {
      t: 'st:state';
      from: string;
      to: string;
      epoch: Epoch;
      items: ChatMessage[];
      unread: number;
    };

function decode(raw: unknown): StoreMessage | null {
  if (!isObj(raw) || typeof raw.t !== 'string' || typeof raw.from !== 'string') return null;
  const from = raw.from;
  const epoch = typeof raw.epoch === 'string' ? raw.epoch : null;
  switch (raw.t) {
    case 'st:items':
      return { t: raw.t, from, epoch, items: decodeMessages(raw.items) };
    case 'st:open':
      return typeof raw.open === 'boolean' ? { t: raw.t, from, open: raw.open } : null;
    case 'st:new':
    case 'st:hello':
      return { t: raw.t, from };
    case 'st:logout':
      return epoch && typeof raw.leader === 'boolean' ? { t: raw.t, from, epoch, leader: raw.leader } : null;
    case 'st:state': {
      const { to, unread } = raw;
      if (typeof to !== 'string') return null;
      const count = typeof unread === 'number' && Number.isInteger(unread) && unread >= 0 ? unread : 0;
      return { t: raw.t, from, to, epoch, items: decodeMessages(raw.items), unread: count };
    }
    default:
      return null;
  }
}

export function createTabSync(options: TabSyncOptions) {
  const { peers, messages, isOpen, unread } = options;
  const { bus, election } = peers;
  const id = election.id;
  const post = (msg: StoreMessage) => bus.post(msg);

  // Objects that came from another tab: not sent back. Everything else that changed is ours.
  const fromOthers = new WeakSet<ChatMessage>();
  // Objects this tab has seen in its list (shared, or from others): an object is never changed in
  // place, so one seen before needs no sharing again.
  const known = new WeakSet<ChatMessage>(messages.peek());
  let seen = messages.peek();
  const changedKeys = new Set<string>();
  let scheduled = false;

  const sendChanges = () => {
    scheduled = false;
    // Changed items are near the end: look from there, and stop once all are found (no map of a
    // 10,000-message list per change). In list order; the last item of a key counts.
    const list = messages.peek();
    const items: ChatMessage[] = [];
    for (let i = list.length - 1; i >= 0 && changedKeys.size; i--) {
      if (changedKeys.delete(list[i]!.key)) items.push(list[i]!);
    }
    changedKeys.clear();
    items.reverse();
    if (items.length) post({ t: 'st:items', from: id, epoch: options.epoch(), items });
  };

  const stopWatching = effect(() => {
    const list = messages.value;
    // The start the list shares with the one seen last (usually all of it but the end) holds no
    // change: a burst costs what its new messages cost, not the conversation's length.
    const common = Math.min(list.length, seen.length);
    let i = 0;
    while (i < common && list[i] === seen[i]) i++;
    for (; i < list.length; i++) {
      const m = list[i]!;
      if (!known.has(m) && !fromOthers.has(m)) changedKeys.add(m.key);
      known.add(m);
    }
    seen = list;
    // After the current task: the transport's own relay of the same event goes first.
    if (changedKeys.size && !scheduled) {
      scheduled = true;
      queueMicrotask(sendChanges);
    }
  });

  function take(items: readonly ChatMessage[], whole: boolean): void {
    if (!items.length) return;
    const current = messages.peek();
    let next: ChatMessage[];
    let unseen = 0;
    if (whole) {
      next = mergeLists(current, items);
      const had = new Set(current);
      for (const m of next) if (!had.has(m)) fromOthers.add(m);
    } else {
      const result = applyItems(current, items);
      next = result.list;
      for (const m of result.applied) fromOthers.add(m);
      // A reply this tab learns of here first (its own copy of the event may still wait for the
      // next frame, and then merges as a duplicate) counts as unread here too, once per key.
      const had = new Set(current.map((m) => m.key));
      unseen = result.applied.filter((m) => m.direction === 'in' && !had.has(m.key)).length;
    }
    if (next === current) return;
    batch(() => {
      messages.value = next;
      if (unseen && !isOpen.peek()) unread.value += unseen;
    });
    options.onItems();
  }

  const off = bus.on((raw) => {
    const msg = decode(raw);
    if (!msg || msg.from === id) return;
    switch (msg.t) {
      case 'st:items':
        if (msg.epoch === options.epoch()) take(msg.items, false);
        return;
      case 'st:open':
        if (peers.shareOpen) options.onOpen(msg.open);
        return;
      case 'st:new':
        options.onStartNew();
        return;
      case 'st:logout':
        options.onLogout(msg.epoch, msg.leader);
        return;
      case 'st:hello':
        if (!election.leader) return;
        post({
          t: 'st:state',
          from: id,
          to: msg.from,
          epoch: options.epoch(),
          items: messages.peek(),
          unread: unread.peek(),
        });
        return;
      case 'st:state':
        if (msg.to !== id || msg.epoch !== options.epoch()) return;
        // Not the open state: a tab that just loaded opening by itself could undo the visitor's
        // own click on its launcher. Later changes are shared (st:open).
        batch(() => {
          take(msg.items, true);
          if (!isOpen.peek()) unread.value = Math.max(unread.peek(), msg.unread);
        });
        return;
    }
  });

  post({ t: 'st:hello', from: id });

  return {
    shareOpen(open: boolean): void {
      if (peers.shareOpen) post({ t: 'st:open', from: id, open });
    },
    shareStartNew: () => post({ t: 'st:new', from: id }),
    /** Messages this tab loaded from history or storage: other tabs read them from storage, not here. */
    keepLocal(items: readonly ChatMessage[]): void {
      for (const m of items) fromOthers.add(m);
    },
    shareLogout: (epoch: string, leader: boolean) => post({ t: 'st:logout', from: id, epoch, leader }),
    dispose(): void {
      if (scheduled) sendChanges();
      stopWatching();
      off();
    },
  };
}
