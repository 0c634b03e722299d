/**
 * The reference server keeps everything in memory, so everything it keeps is bounded: by count,
 * by bytes and by age. Without these, anyone who can reach a demo server could grow it without end
 * (21 uploads of 9 MB added about 190 MB; 200,000 acknowledgements of made-up ids added 88 MB).
 */

/** The caps, in one place so the README and the tests can name them. */
export const LIMITS = {
  /** ws-chat customers (with their conversation), the least recently active forgotten first. */
  customers: 5000,
  /** ws-chat tokens, oldest first; a token also expires after `tokenAgeMs`. */
  tokens: 20_000,
  tokenAgeMs: 24 * 60 * 60 * 1000,
  /** Bytes of message text kept across every ws-chat conversation, or every TWIN session. */
  historyBytes: 32 * 1024 * 1024,
  /** Messages kept per ws-chat conversation, oldest dropped first (enough to page back 10,000). */
  messagesPerConversation: 10_000,
  /** TWIN sessions, oldest first; a session is also dropped twice its ttl after it started. */
  sessions: 2000,
  /** TWIN events kept per session for redelivery (and the acknowledgements counted for them). */
  eventsPerSession: 500,
  /** TWIN `clientExternalId`s remembered. */
  clients: 5000,
  /** Visitors' uploads: count, total bytes, and how long one is kept. */
  uploads: 200,
  uploadBytes: 64 * 1024 * 1024,
  uploadAgeMs: 60 * 60 * 1000,
  /** Uploads of one TWIN session. */
  uploadsPerSession: 20,
  /**
   * ChatFAQ conversations and the nchan bot's (each holds an upstream subscription), the least
   * recently active forgotten first; `eventsPerSession` caps the frames each keeps.
   */
  conversations: 5000,
  /** postoffice mailboxes the router remembers (id and startTime), the oldest unconnected first. */
  mailboxes: 20_000,
} as const;

export type Limits = { -readonly [K in keyof typeof LIMITS]: number };

export interface BoundedMapOptions<V> {
  maxEntries: number;
  /** Entries older than this (since they were last set) are gone. */
  maxAgeMs?: number;
  /** With `sizeOf`: the oldest entries go until the total fits. */
  maxBytes?: number;
  sizeOf?: (value: V) => number;
  /** Called for every entry dropped by a bound (not for `delete`). */
  onEvict?: (key: string, value: V) => void;
  now?: () => number;
}

/**
 * A Map in insertion order that forgets its oldest entries beyond its bounds. `set` on a key that
 * exists moves it to the newest place (so "oldest" means least recently set).
 */
export class BoundedMap<V> {
  private readonly map = new Map<string, { value: V; at: number; bytes: number }>();
  private bytes = 0;
  private readonly now: () => number;

  constructor(private readonly options: BoundedMapOptions<V>) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.map.size;
  }

  /** Total of `sizeOf` over the entries kept. */
  get totalBytes(): number {
    return this.bytes;
  }

  get(key: string): V | undefined {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    if (this.expired(entry.at)) {
      this.evict(key);
      return undefined;
    }
    return entry.value;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: V): this {
    this.remove(key);
    const bytes = this.options.sizeOf?.(value) ?? 0;
    this.map.set(key, { value, at: this.now(), bytes });
    this.bytes += bytes;
    this.trim(key);
    return this;
  }

  /** Refreshes the size of an entry whose value grew or shrank in place, then trims. */
  resized(key: string): void {
    const entry = this.map.get(key);
    if (!entry || !this.options.sizeOf) return;
    const bytes = this.options.sizeOf(entry.value);
    this.bytes += bytes - entry.bytes;
    entry.bytes = bytes;
    this.trim(key);
  }

  delete(key: string): boolean {
    return this.remove(key);
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }

  keys(): string[] {
    this.sweep();
    return [...this.map.keys()];
  }

  values(): V[] {
    this.sweep();
    return [...this.map.values()].map((e) => e.value);
  }

  /** Drops every expired entry. */
  sweep(): void {
    for (const [key, entry] of this.map) if (this.expired(entry.at)) this.evict(key);
  }

  private expired(at: number): boolean {
    return this.options.maxAgeMs !== undefined && this.now() - at > this.options.maxAgeMs;
  }

  /** Oldest first, never `keep` (the entry just written, unless it alone is too big). */
  private trim(keep: string): void {
    this.sweep();
    const { maxEntries, maxBytes } = this.options;
    for (const key of this.map.keys()) {
      const over = this.map.size > maxEntries || (maxBytes !== undefined && this.bytes > maxBytes);
      if (!over) return;
      if (key !== keep) this.evict(key);
    }
    if (maxBytes !== undefined && this.bytes > maxBytes) this.evict(keep);
  }

  private evict(key: string): void {
    const entry = this.map.get(key);
    if (!entry) return;
    this.remove(key);
    this.options.onEvict?.(key, entry.value);
  }

  private remove(key: string): boolean {
    const entry = this.map.get(key);
    if (!entry) return false;
    this.map.delete(key);
    this.bytes -= entry.bytes;
    return true;
  }
}
