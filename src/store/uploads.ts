/**
 * Files the visitor attaches before sending: what the composer and the tray read (the files, their
 * progress, what was refused, whether sending must wait). The work (checks, uploads, cancel, handing
 * the ids to a message) is attach.ts, a file of its own in the split build (issue 9), loaded the
 * first time the visitor attaches, drops or pastes a file, or points at the attach button
 * (`prepare`). Until it is there the files count as uploading, so a message sent meanwhile waits
 * for them. A file that cannot be fetched: one `[parley]` error, and the files are reported as not
 * uploaded (attaching again tries again).
 */
import { computed, type ReadonlySignal, type Signal, signal } from '@preact/signals';
import { log } from '../core/log';
import type { Attachment } from '../core/types';
import type { Transport, UploadResult } from '../transports/types';
import type { Attach } from './attach';

export interface UploadLimits {
  /** Largest file in bytes. */
  maxBytes: number;
  /** Accepted types as in `<input accept>`: `image/*`, `application/pdf`, `.pdf`. Empty: anything. */
  accept: string[];
}

export type UploadState = 'uploading' | 'done' | 'failed';

export interface PendingUpload {
  key: string;
  name: string;
  size: number;
  type: string;
  state: UploadState;
  /** 0..1 */
  progress: number;
  /** A same-origin blob: URL for an image preview; revoked when the upload is dropped. */
  previewUrl?: string;
  result?: UploadResult;
  error?: string;
}

/** Why a file was refused before any request. */
export type UploadRefusal = { name: string; reason: 'too-large' | 'type' | 'unsupported' | 'failed' };

export function parseAccept(accept: string | undefined): string[] {
  return (accept ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** What attach.ts works with. */
export interface UploadParts {
  transport: Transport;
  limits: UploadLimits;
  enabled: boolean;
  maxBytes: number;
  items: Signal<PendingUpload[]>;
  refused: Signal<UploadRefusal[]>;
  ready: ReadonlySignal<PendingUpload[]>;
}

export function createUploads(transport: Transport, limits: UploadLimits) {
  const items = signal<PendingUpload[]>([]);
  const refused = signal<UploadRefusal[]>([]);
  /** Files handed over while attach.ts is on its way: they count as uploading. */
  const arriving = signal(0);
  const enabled = transport.capabilities.uploads !== false && typeof transport.upload === 'function';
  const backendMax = transport.capabilities.uploads ? transport.capabilities.uploads.maxBytes : undefined;
  const maxBytes = Math.min(limits.maxBytes, backendMax ?? Number.POSITIVE_INFINITY);
  const busy = computed(() => arriving.value > 0 || items.value.some((u) => u.state === 'uploading'));
  const ready = computed(() => items.value.filter((u) => u.state === 'done'));
  const parts: UploadParts = { transport, limits, enabled, maxBytes, items, refused, ready };
  let work: Attach | undefined;
  let loading: Promise<Attach> | undefined;
  let told = false;
  let disposed = false;

  const load = () =>
    (loading ??= import('./attach').then(
      ({ createAttach }) => (work = createAttach(parts)),
      (err: unknown) => {
        loading = undefined;
        if (!told) log.error(`could not load the code that sends files (${(err as Error).message})`);
        told = true;
        throw err;
      },
    ));

  /** Adds files (from the attach button, a drop or a paste); resolves with what was refused. */
  async function add(list: ReadonlyArray<Blob & { name?: string }>): Promise<UploadRefusal[]> {
    arriving.value += 1;
    try {
      const attach = await load();
      return disposed ? [] : attach.add(list);
    } catch {
      const now = list.map((f): UploadRefusal => ({ name: f.name || 'file', reason: 'failed' }));
      refused.value = now;
      return now;
    } finally {
      arriving.value -= 1;
    }
  }

  return {
    enabled,
    maxBytes,
    /** The accepted types, for the file chooser's `accept` (read-only; empty: anything). */
    accept: [...limits.accept] as readonly string[],
    items,
    refused,
    busy,
    ready,
    add,
    /** Loads the code ahead of a file (the visitor points at the attach button or drags a file in). */
    prepare: () => void load().catch(() => undefined),
    /** Cancels an upload in flight, or removes a finished one from the message being written. */
    remove: (key: string) => work?.remove(key),
    retry: (key: string) => work?.retry(key),
    /**
     * Hands the finished uploads to a message being sent: their ids go to the backend, and the
     * attachments (with the local preview for images) are shown on the visitor's message.
     */
    take: (): { ids: string[]; attachments: Attachment[] } => work?.take() ?? { ids: [], attachments: [] },
    dispose(): void {
      disposed = true;
      work?.dispose();
    },
  };
}

export type Uploads = ReturnType<typeof createUploads>;
