/**
 * The store's side of files the visitor attaches (uploads.ts), a file of its own in the split build:
 * loaded the first time the visitor attaches, drops or pastes a file (or points at the attach
 * button). Each upload starts at once (so it runs while the visitor types), reports progress, can be
 * cancelled, and is checked against the limits first so a too-large or refused file gets a clear
 * error instead of a failed request.
 */
import { toTransportError } from '../core/errors';
import { randomId } from '../core/ids';
import type { Attachment } from '../core/types';
import type { PendingUpload, UploadParts, UploadRefusal } from './uploads';

export function accepts(accept: readonly string[], file: { name: string; type: string }): boolean {
  if (accept.length === 0) return true;
  const name = file.name.toLowerCase();
  const type = file.type.toLowerCase();
  return accept.some((raw) => {
    const a = raw.trim().toLowerCase();
    if (!a) return false;
    if (a.startsWith('.')) return name.endsWith(a);
    if (a.endsWith('/*')) return type.startsWith(a.slice(0, -1));
    return type === a;
  });
}

export function createAttach({ transport, limits, enabled, maxBytes, items, refused, ready }: UploadParts) {
  const controllers = new Map<string, AbortController>();
  const files = new Map<string, Blob & { name?: string }>();
  const patch = (key: string, p: Partial<PendingUpload>) => {
    items.value = items.value.map((u) => (u.key === key ? { ...u, ...p } : u));
  };

  async function start(key: string): Promise<void> {
    const file = files.get(key);
    if (!file || !transport.upload) return;
    const controller = new AbortController();
    controllers.set(key, controller);
    patch(key, { state: 'uploading', progress: 0 });
    try {
      const result = await transport.upload(file, {
        signal: controller.signal,
        onProgress: (loaded, total) => patch(key, { progress: total > 0 ? Math.min(1, loaded / total) : 0 }),
      });
      if (!items.value.some((u) => u.key === key)) return; // cancelled meanwhile
      patch(key, { state: 'done', progress: 1, result });
    } catch (err) {
      if (controller.signal.aborted || !items.value.some((u) => u.key === key)) return;
      patch(key, { state: 'failed', error: toTransportError(err).message || 'Upload failed' });
    } finally {
      controllers.delete(key);
    }
  }

  /** Adds files (from the attach button, a drop or a paste); returns what was refused. */
  function add(list: ReadonlyArray<Blob & { name?: string }>): UploadRefusal[] {
    const now: UploadRefusal[] = [];
    for (const file of list) {
      const name = file.name || 'file';
      const meta = { name, type: file.type };
      if (!enabled) now.push({ name, reason: 'unsupported' });
      else if (file.size > maxBytes) now.push({ name, reason: 'too-large' });
      else if (!accepts(limits.accept, meta)) now.push({ name, reason: 'type' });
      else {
        const key = randomId();
        const item: PendingUpload = {
          key,
          name,
          size: file.size,
          type: file.type,
          state: 'uploading',
          progress: 0,
        };
        if (
          file.type.startsWith('image/') &&
          file.type !== 'image/svg+xml' &&
          typeof URL.createObjectURL === 'function'
        ) {
          item.previewUrl = URL.createObjectURL(file);
        }
        files.set(key, file);
        items.value = [...items.value, item];
        void start(key);
      }
    }
    refused.value = now;
    return now;
  }

  function drop(key: string, revoke: boolean): void {
    controllers.get(key)?.abort();
    const item = items.value.find((u) => u.key === key);
    if (revoke && item?.previewUrl) URL.revokeObjectURL(item.previewUrl);
    files.delete(key);
    items.value = items.value.filter((u) => u.key !== key);
  }

  /** Cancels an upload in flight, or removes a finished one from the message being written. */
  const remove = (key: string) => drop(key, true);

  const retry = (key: string) => void start(key);

  /**
   * Hands the finished uploads to a message being sent: their ids go to the backend, and the
   * attachments (with the local preview for images) are shown on the visitor's message.
   */
  function take(): { ids: string[]; attachments: Attachment[] } {
    const done = ready.value;
    const attachments = done.map((u): Attachment => {
      const a: Attachment = { id: u.result!.id, name: u.name, url: u.result?.url ?? u.previewUrl ?? '' };
      if (u.type) a.contentType = u.type;
      a.size = u.size;
      return a;
    });
    // Keep a preview URL alive when it is all the visitor's message has to show the image.
    for (const u of done) drop(u.key, Boolean(u.result?.url));
    refused.value = [];
    // A file the backend gave no URL for still shows on the message, as a card without a link.
    return { ids: done.map((u) => u.result!.id), attachments };
  }

  function dispose(): void {
    for (const u of items.value) drop(u.key, true);
  }

  return { add, remove, retry, take, dispose };
}

export type Attach = ReturnType<typeof createAttach>;
