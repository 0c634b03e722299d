/**
 * In-memory state of the TWIN reference module: sessions with the messages the server sent (for
 * redelivery until acknowledged) and the acknowledgements it received, and uploaded files.
 * Wire shapes are written here for the server's side; it never imports the widget's protocol.ts.
 * Everything is bounded (server/limits.ts): sessions, their events and texts, clients, uploads.
 */
import { randomUUID } from 'node:crypto';
import { BoundedMap, LIMITS, type Limits } from '../limits';

export interface WireFile {
  id: string;
  isPrivate: boolean;
  createdAt: string;
  contentType: string;
  name: string;
  baseName: string;
  extension: string;
  suggestedExtension: string;
  path: string;
  size: number;
  url: string;
  downloadLink: string;
  ownerId: string | null;
}

export type AuthorType = 'bot' | 'operator';

/** A `chatMessageCreatedEmit` payload (or an operator notice, which has no body). */
export interface WireEvent {
  id: string;
  [field: string]: unknown;
}

export interface StoredFile {
  id: string;
  name: string;
  contentType: string;
  bytes: Buffer;
  createdAt: string;
  /** True for visitors' uploads, false for the bot's files (the seed's meaning of isPrivate). */
  isPrivate: boolean;
  /** The session that uploaded it (visitors' uploads). */
  sessionId?: string;
}

export interface Operator {
  id: string;
  name: string;
  /** Id of the avatar in the file store. */
  avatarFile: string;
}

export interface Session {
  id: string;
  chatId: string;
  clientId: string;
  name: string;
  metadata: Record<string, string>;
  startedAt: number;
  ttlSeconds: number;
  /** Origin the visitor reached us by: file and avatar URLs are written with it. */
  origin: string;
  ended: boolean;
  operator: Operator | null;
  /** Server → client events of `chatMessageCreatedEmit` (and operator notices), in order. */
  sent: Array<{ event: string; payload: WireEvent }>;
  /** messageReceived per message id, counted. */
  acks: Map<string, number>;
  /** Ids of the visitor's messages, in order. */
  visitorMessages: string[];
  /** Their texts, in the same order (tests count deliveries). */
  visitorTexts: string[];
  /** UTF-16 length of what the session keeps (events and texts), for the history bound. */
  bytes: number;
}

/** Where a stored file is served (routes.ts). */
export const downloadUrl = (origin: string, id: string) =>
  `${origin}/api/chats/v1/files/${encodeURIComponent(id)}/download`;

export class TwinStore {
  readonly sessions: BoundedMap<Session>;
  /** The bot's own files (greeting, avatars): a fixed few, never dropped. */
  private readonly botFiles = new Map<string, StoredFile>();
  /** Visitors' uploads, bounded by count, bytes and age. */
  private readonly uploads: BoundedMap<StoredFile>;
  /** clientExternalId → clientId: the same external id is the same client. */
  private readonly clients: BoundedMap<string>;
  readonly limits: Limits;

  constructor(
    private readonly ttlSeconds: number,
    limits: Partial<Limits> = {},
  ) {
    this.limits = { ...LIMITS, ...limits };
    this.sessions = new BoundedMap<Session>({
      maxEntries: this.limits.sessions,
      maxAgeMs: 2 * ttlSeconds * 1000,
      maxBytes: this.limits.historyBytes,
      sizeOf: (s) => s.bytes,
    });
    this.uploads = new BoundedMap<StoredFile>({
      maxEntries: this.limits.uploads,
      maxAgeMs: this.limits.uploadAgeMs,
      maxBytes: this.limits.uploadBytes,
      sizeOf: (f) => f.bytes.length,
    });
    this.clients = new BoundedMap<string>({ maxEntries: this.limits.clients });
  }

  createSession(chatId: string, name: string, origin: string, externalId?: string, metadata = {}): Session {
    let clientId = externalId === undefined ? undefined : this.clients.get(externalId);
    if (!clientId) {
      clientId = randomUUID();
      if (externalId !== undefined) this.clients.set(externalId, clientId);
    }
    const session: Session = {
      id: randomUUID(),
      chatId,
      clientId,
      name,
      metadata,
      startedAt: Date.now(),
      ttlSeconds: this.ttlSeconds,
      origin,
      ended: false,
      operator: null,
      sent: [],
      acks: new Map(),
      visitorMessages: [],
      visitorTexts: [],
      bytes: 0,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** Keeps an event sent to the session (for redelivery); the oldest go beyond the per-session cap. */
  addSent(s: Session, event: string, payload: WireEvent): void {
    s.sent.push({ event, payload });
    s.bytes += sizeOf(payload);
    while (s.sent.length > this.limits.eventsPerSession) {
      const old = s.sent.shift()!;
      s.acks.delete(old.payload.id);
      s.bytes -= sizeOf(old.payload);
    }
    this.sessions.resized(s.id);
  }

  /** A visitor's message, kept (bounded) for the tests that count deliveries. */
  addVisitorMessage(s: Session, id: string, text: string): void {
    s.visitorMessages.push(id);
    s.visitorTexts.push(text);
    s.bytes += text.length;
    while (s.visitorTexts.length > this.limits.eventsPerSession) {
      s.visitorMessages.shift();
      s.bytes -= s.visitorTexts.shift()!.length;
    }
    this.sessions.resized(s.id);
  }

  /**
   * Counts a `messageReceived` for a message this session was sent; anything else (made-up ids,
   * malformed payloads) is ignored, so acknowledgements cannot grow the server.
   */
  acknowledge(s: Session, id: string): boolean {
    if (!s.sent.some((e) => e.payload.id === id)) return false;
    s.acks.set(id, (s.acks.get(id) ?? 0) + 1);
    return true;
  }

  /** Uploads of this session still kept. */
  uploadsOf(sessionId: string): number {
    return this.uploads.values().filter((f) => f.sessionId === sessionId).length;
  }

  file(id: string): StoredFile | undefined {
    return this.botFiles.get(id) ?? this.uploads.get(id);
  }

  /** A session that exists, has not ended and whose ttl has not run out. */
  live(id: string | undefined): Session | undefined {
    const s = id === undefined ? undefined : this.sessions.get(id);
    if (!s || s.ended || Date.now() > s.startedAt + s.ttlSeconds * 1000) return undefined;
    return s;
  }

  addFile(
    name: string,
    contentType: string,
    bytes: Buffer,
    isPrivate: boolean,
    id: string = randomUUID(),
    sessionId?: string,
  ): StoredFile {
    const file: StoredFile = { id, name, contentType, bytes, createdAt: new Date().toISOString(), isPrivate };
    if (sessionId !== undefined) file.sessionId = sessionId;
    if (isPrivate) this.uploads.set(id, file);
    else this.botFiles.set(id, file);
    return file;
  }

  /** The file object of the seed, with URLs on `origin`. */
  fileJson(file: StoredFile, origin: string): WireFile {
    const dot = file.name.lastIndexOf('.');
    const extension = dot > 0 ? file.name.slice(dot + 1) : '';
    const url = downloadUrl(origin, file.id);
    return {
      id: file.id,
      isPrivate: file.isPrivate,
      createdAt: file.createdAt,
      contentType: file.contentType,
      name: file.name,
      baseName: dot > 0 ? file.name.slice(0, dot) : file.name,
      extension,
      suggestedExtension: extension,
      path: '',
      size: file.bytes.length,
      url,
      downloadLink: url,
      ownerId: null,
    };
  }
}

/** Rough size of an event: its JSON length (events are small JSON objects we built). */
function sizeOf(payload: WireEvent): number {
  return JSON.stringify(payload).length;
}
