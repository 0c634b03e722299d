/**
 * TWIN's three REST calls, decoded: start a session, send a message, upload a file. Failures are
 * TransportErrors (see http.ts); URLs never reach an error message (the session id is the socket's
 * credential).
 */
import type { OutgoingMessage } from '../../core/types';
import type { UploadOptions, UploadResult } from '../types';
import { type FetchLike, post, transportError, uploadForm } from './http';
import * as wire from './protocol';

const unreadable = (what: string) => transportError('protocol', `unreadable ${what}`);

export class TwinApi {
  constructor(
    private readonly server: string,
    private readonly messagesServer: string,
    private readonly fetchFn: FetchLike,
    private readonly now: () => number,
  ) {}

  async startSession(
    chatId: string,
    name: string,
    clientExternalId?: string,
    clientMetadata?: Record<string, string>,
    userHash?: string,
  ): Promise<wire.TwinSession> {
    const url = wire.sessionsUrl(this.server, chatId);
    const raw = await post(
      this.fetchFn,
      url,
      wire.encodeSessionStart(name, clientExternalId, clientMetadata, userHash),
    );
    const session = wire.decodeSession(raw, this.now(), this.server);
    if (!session) throw unreadable('session answer');
    return session;
  }

  /**
   * Resolves the server id and time; a 404 (the session is gone there) rejects with `not-found`.
   * Sent with keepalive (http.ts): a page that unloads meanwhile does not cut the post in half.
   * `stored` is called as soon as a 2xx status arrives, before the body is read: the server has
   * the message then, whether or not this page lives to read the id (without one, the receipt
   * has only the time).
   */
  async sendMessage(
    sessionId: string,
    message: OutgoingMessage,
    stored: () => void = () => {},
  ): Promise<{ id?: string; at: number }> {
    const url = wire.messagesUrl(this.messagesServer, sessionId);
    const raw = await post(this.fetchFn, url, wire.encodeSend(message), {
      keepalive: true,
      onStatus: (status) => {
        if (status >= 200 && status < 300) stored();
      },
    });
    // null: the body could not be read (the page is going away), nothing to warn about.
    return (raw !== null && wire.decodeSendReceipt(raw, this.now())) || { at: this.now() };
  }

  async upload(
    sessionId: string,
    file: Blob & { name?: string },
    options?: UploadOptions,
  ): Promise<UploadResult> {
    const url = wire.filesUrl(this.server, sessionId);
    const raw = await uploadForm(this.fetchFn, url, wire.UPLOAD_FIELD, file, options);
    const result = wire.decodeUpload(raw, this.server);
    if (!result) throw unreadable('upload answer');
    return result;
  }
}
