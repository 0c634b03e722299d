/**
 * Leader election between the tabs of one site, so that one tab holds the connection for all.
 *
 * - Web Locks (secure contexts): every tab asks for one exclusive lock and the browser grants it to
 *   one at a time. Closing or crashing the holder releases it at once, so the next tab in the
 *   queue leads within milliseconds; nothing polls.
 * - Heartbeat over the tab bus (plain-http pages, browsers without locks): the leader posts a beat
 *   every `heartbeatMs`; a newcomer asks and leads when nobody answers within `askMs`; a follower
 *   leads when the beats stop for `silenceMs`, or soon after the leader says goodbye (`pagehide`;
 *   a page restored from the back/forward cache asks again on `pageshow`).
 *   Two leaders (a race, a frozen tab waking up) settle on the lower id at the next beat.
 * - Neither: the tab is alone and leads.
 */

import { isObj } from './guards';
import { randomId } from './ids';
import type { TabBus } from './tab-bus';

/** The part of `navigator.locks` we use (injectable for tests). */
export interface LockManagerLike {
  request(
    name: string,
    options: { signal?: AbortSignal; ifAvailable?: boolean },
    // `lock` is null when `ifAvailable` was asked and another tab holds it.
    callback: (lock: unknown) => Promise<void> | undefined,
  ): Promise<unknown>;
}

export type ElectionMode = 'locks' | 'heartbeat' | 'alone';

export interface Election {
  /** This tab's id, unique per page load. */
  readonly id: string;
  readonly mode: ElectionMode;
  readonly leader: boolean;
  /** Called with the new role whenever it changes. Returns the unsubscribe. */
  onChange(fn: (leader: boolean) => void): () => void;
  /** Leaves the election: releases the leadership, or stops waiting for it. Idempotent. */
  stop(): void;
}

export interface ElectionOptions {
  /** Lock name; tabs with the same name elect one leader. */
  name: string;
  locks?: LockManagerLike | null | undefined;
  bus?: TabBus | null | undefined;
  /** Heartbeat mode: period of the leader's beat (default 1000 ms). */
  heartbeatMs?: number;
  /** Heartbeat mode: how long a newcomer waits for an answer before leading (default 250 ms). */
  askMs?: number;
  /** Heartbeat mode: silence after which a follower takes over (default 3.5 beats). */
  silenceMs?: number;
  /** Heartbeat mode: where `pagehide` is heard (default `globalThis`). */
  target?: Pick<Window, 'addEventListener' | 'removeEventListener'> | undefined;
}

/** `navigator.locks` when the browser offers it here (secure contexts only). */
export function browserLocks(): LockManagerLike | null {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  return locks && typeof locks.request === 'function' ? locks : null;
}

class Role {
  leader = false;
  readonly #listeners = new Set<(leader: boolean) => void>();

  set(leader: boolean): void {
    if (this.leader === leader) return;
    this.leader = leader;
    for (const fn of [...this.#listeners]) fn(leader);
  }

  onChange(fn: (leader: boolean) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  clear(): void {
    this.#listeners.clear();
  }
}

export function electLeader(options: ElectionOptions): Election {
  const id = randomId();
  if (options.locks) {
    const started = lockElection(id, options.name, options.locks);
    if (started) return started;
  }
  if (options.bus) return heartbeatElection(id, options.bus, options);
  const role = new Role();
  role.set(true);
  return {
    id,
    mode: 'alone',
    get leader() {
      return role.leader;
    },
    onChange: (fn) => role.onChange(fn),
    stop: () => role.set(false),
  };
}

/**
 * The election of a tab that took the lock while it was alone (embed/tabs.ts): it leads until
 * `stop()` releases the lock, and the next tab in the lock's queue leads then.
 */
export function heldLock(release: () => void): Election {
  const role = new Role();
  role.set(true);
  return {
    id: randomId(),
    mode: 'locks',
    get leader() {
      return role.leader;
    },
    onChange: (fn) => role.onChange(fn),
    stop() {
      release();
      role.set(false);
      role.clear();
    },
  };
}

function lockElection(id: string, name: string, locks: LockManagerLike): Election | null {
  const role = new Role();
  const abort = new AbortController();
  let release: (() => void) | undefined;
  let stopped = false;
  try {
    locks
      .request(name, { signal: abort.signal }, () => {
        if (stopped) return Promise.resolve();
        role.set(true);
        // Held until stop() (or until the page goes away, when the browser releases it).
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      })
      .catch(() => {
        // AbortError after stop() while still waiting: nothing to do.
      });
  } catch {
    return null; // a LockManager that refuses outright: fall back
  }
  return {
    id,
    mode: 'locks',
    get leader() {
      return role.leader;
    },
    onChange: (fn) => role.onChange(fn),
    stop() {
      if (stopped) return;
      stopped = true;
      abort.abort();
      release?.();
      role.set(false);
      role.clear();
    },
  };
}

type Beat = { t: 'el:beat' | 'el:bye' | 'el:ask'; id: string };

function decodeBeat(raw: unknown): Beat | null {
  if (!isObj(raw) || typeof raw.id !== 'string') return null;
  return raw.t === 'el:beat' || raw.t === 'el:bye' || raw.t === 'el:ask' ? { t: raw.t, id: raw.id } : null;
}

function heartbeatElection(id: string, bus: TabBus, options: ElectionOptions): Election {
  const role = new Role();
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const askMs = options.askMs ?? 250;
  const silenceMs = options.silenceMs ?? heartbeatMs * 3.5;
  const target =
    options.target ??
    (typeof globalThis.addEventListener === 'function'
      ? (globalThis as unknown as Pick<Window, 'addEventListener' | 'removeEventListener'>)
      : undefined);
  let lastBeat = Date.now();
  let stopped = false;
  let claimTimer: ReturnType<typeof setTimeout> | undefined;

  const beat = () => bus.post({ t: 'el:beat', id } satisfies Beat);
  const claim = () => {
    if (stopped || away || role.leader) return;
    role.set(true);
    beat();
  };
  /** Lead unless a beat arrives within `ms`. */
  const claimUnlessHeard = (ms: number) => {
    clearTimeout(claimTimer);
    const asked = Date.now();
    claimTimer = setTimeout(() => {
      if (lastBeat < asked) claim();
    }, ms);
  };

  const off = bus.on((raw) => {
    const msg = decodeBeat(raw);
    if (!msg || msg.id === id || stopped) return;
    if (msg.t === 'el:ask') {
      if (role.leader) beat();
    } else if (msg.t === 'el:bye') {
      // The leader is going away: take over soon. The jitter keeps several followers from all
      // claiming at once (the first beat silences the others).
      if (!role.leader) claimUnlessHeard(Math.random() * (heartbeatMs / 4));
    } else {
      lastBeat = Date.now();
      if (role.leader) {
        if (msg.id < id) role.set(false);
        else beat(); // we win: tell the other leader now rather than at our next beat
      }
    }
  });

  const tick = setInterval(() => {
    if (role.leader) beat();
    else if (Date.now() - lastBeat > silenceMs) claim();
  }, heartbeatMs);

  /** Between pagehide and pageshow (the page may come back from the back/forward cache). */
  let away = false;
  const resign = () => {
    if (role.leader) bus.post({ t: 'el:bye', id } satisfies Beat);
    role.set(false);
  };
  const onPageHide = () => {
    away = true;
    resign();
  };
  const onPageShow = () => {
    if (!away) return;
    away = false;
    lastBeat = 0;
    bus.post({ t: 'el:ask', id } satisfies Beat);
    claimUnlessHeard(askMs);
  };
  target?.addEventListener('pagehide', onPageHide);
  target?.addEventListener('pageshow', onPageShow);

  bus.post({ t: 'el:ask', id } satisfies Beat);
  lastBeat = 0;
  claimUnlessHeard(askMs);

  return {
    id,
    mode: 'heartbeat',
    get leader() {
      return role.leader;
    },
    onChange: (fn) => role.onChange(fn),
    stop() {
      if (stopped) return;
      resign();
      stopped = true;
      clearTimeout(claimTimer);
      clearInterval(tick);
      off();
      target?.removeEventListener('pagehide', onPageHide);
      target?.removeEventListener('pageshow', onPageShow);
      role.clear();
    },
  };
}
