/**
 * In-memory state of the TWIN reference module: sessions with the messages the server sent (for
 * redelivery until acknowledged) and the acknowledgements it received, and uploaded files.
 * Wire shapes are written here for the server's side; it never imports the widget's protocol.ts.
 */
import { randomUUID } from 'node:crypto';

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
}

/** Where a stored file is served (routes.ts). */
export const downloadUrl = (origin: string, id: string) =>
  `${origin}/api/chats/v1/files/${encodeURIComponent(id)}/download`;

export class TwinStore {
  readonly sessions = new Map<string, Session>();
  readonly files = new Map<string, StoredFile>();
  /** clientExternalId → clientId: the same external id is the same client. */
  private readonly clients = new Map<string, string>();

  constructor(private readonly ttlSeconds: number) {}

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
    };
    this.sessions.set(session.id, session);
    return session;
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
  ): StoredFile {
    const file: StoredFile = { id, name, contentType, bytes, createdAt: new Date().toISOString(), isPrivate };
    this.files.set(id, file);
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
