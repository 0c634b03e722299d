/**
 * The current generation's upload call on the wire (PROTOCOLS.md §1): `POST /api/v1/files/upload`,
 * multipart field `file`, and its answer; and how a message lists an uploaded file. Apart from the
 * other protocol files because it loads only when a visitor attaches a file (upload.ts).
 */
import { isObj, nonEmptyStr, num } from '../../core/guards';
import { safeMediaUrl } from '../../core/url';
import type { UploadResult } from '../types';
import type { WireAttachment } from './protocol-envelope';

export const UPLOAD_PATH = '/api/v1/files/upload';
/** The multipart field of the upload call. */
export const UPLOAD_FIELD = 'file';

/** `{id, originalName, url, contentType, fileSize}`, bare or wrapped. */
export function decodeUpload(body: unknown): UploadResult | null {
  const file = isObj(body) && isObj(body.data) && body.success === true ? body.data : body;
  if (!isObj(file)) return null;
  const id = nonEmptyStr(file.id, 200) ?? (typeof file.id === 'number' ? String(file.id) : undefined);
  const url = nonEmptyStr(file.url, 4000);
  const href = url ? safeMediaUrl(url) : null;
  if (!id || !href) return null;
  const result: UploadResult = { id, name: nonEmptyStr(file.originalName, 300) ?? 'file', url: href };
  const type = nonEmptyStr(file.contentType, 200);
  if (type) result.contentType = type;
  const size = num(file.fileSize);
  if (size !== undefined) result.size = size;
  return result;
}

/** How an uploaded file is listed in the message that carries it. */
export function wireAttachment(file: UploadResult): WireAttachment | null {
  if (!file.url) return null;
  return {
    type: file.contentType?.startsWith('image/') ? 'IMAGE' : 'FILE',
    url: file.url,
    name: file.name,
    sizeKb: Math.max(1, Math.ceil((file.size ?? 0) / 1024)),
  };
}
