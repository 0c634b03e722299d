/**
 * The current generation's upload, in a chunk of its own: most visitors never attach a file, so
 * this code loads the first time one does. Multipart field `file` with the Bearer token, progress
 * and cancel (form-post.ts); the answer becomes the UI's result and the `{type, url, name, sizeKb}`
 * the message will list.
 */
import type { TransportError } from '../../core/types';
import { type FormOutcome, postForm } from '../form-post';
import type { UploadOptions, UploadResult } from '../types';
import { wsError } from './errors';
import type { WireAttachment } from './protocol-envelope';
import { decodeUpload, UPLOAD_FIELD, UPLOAD_PATH, wireAttachment } from './protocol-upload';

export type Uploaded = { result: UploadResult; wire: WireAttachment } | { unauthorized: true };

export async function uploadFile(
  server: string,
  fetchFn: typeof fetch | undefined,
  token: string,
  file: Blob & { name?: string },
  options: UploadOptions,
): Promise<Uploaded> {
  const form = new FormData();
  form.append(UPLOAD_FIELD, file, file.name ?? 'file');
  const outcome = await postForm(new URL(UPLOAD_PATH, server).href, form, {
    ...options,
    headers: { Authorization: `Bearer ${token}` },
    ...(fetchFn ? { fetch: fetchFn } : {}),
  });
  if (outcome.ok && outcome.status === 401) return { unauthorized: true };
  if (!outcome.ok || outcome.status < 200 || outcome.status >= 300) throw uploadError(outcome);
  const result = decodeUpload(outcome.body);
  const wire = result ? wireAttachment(result) : null;
  if (!result || !wire)
    throw wsError('protocol', 'The server answered the upload with something unreadable', true);
  return { result, wire };
}

/** An upload that did not succeed, as the visitor should read it. */
function uploadError(outcome: FormOutcome): TransportError {
  if (!outcome.ok) {
    return outcome.reason === 'aborted'
      ? wsError('aborted', 'Cancelled', true)
      : wsError('network', 'Could not reach the server');
  }
  if (outcome.status === 413) return wsError('too-large', 'The file is too large for the server', true);
  return wsError('refused', `The server refused the file (HTTP ${outcome.status})`, outcome.status < 500);
}
