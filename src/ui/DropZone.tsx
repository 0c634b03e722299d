/**
 * Dropping files anywhere on the panel attaches them. `useFileDrop` gives the panel its drag
 * handlers and whether a drag of files is over it; `DropHint` is the visible sign drawn over the
 * panel meanwhile. Only drags that carry files count: dragging selected text around stays normal.
 */
import { useRef, useState } from 'preact/hooks';
import type { Translate } from '../i18n';
import type { Uploads } from '../store/uploads';

const hasFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');

export interface FileDrop {
  dragging: boolean;
  handlers: {
    onDragEnter?: (e: DragEvent) => void;
    onDragOver?: (e: DragEvent) => void;
    onDragLeave?: (e: DragEvent) => void;
    onDrop?: (e: DragEvent) => void;
  };
}

export function useFileDrop(uploads: Uploads): FileDrop {
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child crossed; count them so the hint does not flicker.
  const depth = useRef(0);
  if (!uploads.enabled) return { dragging: false, handlers: {} };

  const end = () => {
    depth.current = 0;
    setDragging(false);
  };
  return {
    dragging,
    handlers: {
      onDragEnter: (e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        uploads.prepare();
        depth.current += 1;
        setDragging(true);
      },
      onDragOver: (e) => {
        if (!hasFiles(e)) return;
        // Without preventDefault the browser refuses the drop (and would open the file instead).
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave: (e) => {
        if (!hasFiles(e)) return;
        depth.current -= 1;
        if (depth.current <= 0) end();
      },
      onDrop: (e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        end();
        const files = e.dataTransfer?.files;
        if (files?.length) void uploads.add([...files]);
      },
    },
  };
}

/** Drawn over the panel while files are dragged over it. Hidden from screen readers: dragging is a
 * pointer gesture, and the attach button is the accessible way to the same thing. */
export function DropHint({ t }: { t: Translate }) {
  return (
    <div class="drop" aria-hidden="true">
      <p class="drop__text">{t('dropFiles')}</p>
    </div>
  );
}
