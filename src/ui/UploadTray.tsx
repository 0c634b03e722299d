/**
 * Files attached to the message being written, above the composer: the list of them
 * (ui/UploadList.tsx, loaded the first time a file is attached), and notes. Refused files (too
 * large, wrong type) never enter the list; they get a sentence in a polite status region that is
 * always in the DOM (here, not in the list's file), because screen readers only announce changes
 * to a live region that already existed.
 */

import type { ComponentChildren } from 'preact';
import { visibleBidi } from '../core/bidi';
import type { Translate } from '../i18n';
import { formatBytes } from '../i18n/format';
import type { PendingUpload, UploadRefusal, Uploads } from '../store/uploads';
import { onDemand } from './on-demand';

export interface UploadTrayProps {
  uploads: Uploads;
  t: Translate;
  /** The visitor tried to send while a file was still uploading. */
  waiting: boolean;
}

export function refusalText(r: UploadRefusal, maxBytes: number, t: Translate): string {
  const name = visibleBidi(r.name);
  if (r.reason === 'too-large') return t('fileTooLarge', { name, max: formatBytes(maxBytes, t) });
  if (r.reason === 'type') return t('fileWrongType', { name });
  if (r.reason === 'failed') return t('uploadFailed', { name });
  return t('uploadsUnsupported', { name });
}

// The list's code and stylesheet load the first time a file is attached (ui/on-demand.ts).
const uploadList = onDemand('the list of attached files', () => import('./UploadList'));

/** The files, once their code is there (until then the store holds them, and sending waits). */
function List(props: { items: PendingUpload[]; uploads: Uploads; t: Translate }) {
  const UploadList = uploadList()?.UploadList;
  return UploadList ? <UploadList {...props} /> : null;
}

export function UploadTray({ uploads, t, waiting }: UploadTrayProps) {
  const items = uploads.items.value;
  const errors = [
    ...uploads.refused.value.map((r) => refusalText(r, uploads.maxBytes, t)),
    ...items.filter((u) => u.state === 'failed').map((u) => t('uploadFailed', { name: visibleBidi(u.name) })),
  ];
  const notes: ComponentChildren[] = errors.map((text, i) => (
    // Notes have no identity of their own; their order is stable while they are shown.
    <p key={i} class="tray__note tray__note--error">
      {text}
    </p>
  ));
  if (waiting && uploads.busy.value)
    notes.push(
      <p key="wait" class="tray__note">
        {t('waitForUpload')}
      </p>,
    );
  return (
    <div class="tray">
      {items.length > 0 && <List items={items} uploads={uploads} t={t} />}
      <div class="tray__notes" role="status">
        {notes}
      </div>
    </div>
  );
}
