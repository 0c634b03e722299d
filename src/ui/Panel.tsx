/**
 * The chat panel, a non-modal dialog: the page stays usable, so focus is not trapped. Opening moves
 * focus to the composer; if focus is inside when the panel goes away (Escape, the close button, or
 * the host page's `Parley.close()`), `onFocusLost` lets the widget hand it back to the launcher.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Translate } from '../i18n';
import type { ChatStore } from '../store/chat-store';
import { Composer } from './Composer';
import { EndedBar } from './EndedBar';
import { Header } from './Header';
import { MessageList } from './MessageList';

export interface PanelProps {
  store: ChatStore;
  t: Translate;
  title: string;
  onClose?: (() => void) | undefined;
  onFocusLost?: () => void;
}

export function Panel({ store, t, title, onClose, onFocusLost }: PanelProps) {
  const root = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const startNew = useRef<HTMLButtonElement>(null);
  const ended = store.ended.value;

  useLayoutEffect(() => {
    (input.current ?? startNew.current ?? root.current)?.focus();
    const panel = root.current;
    return () => {
      // Hook cleanups run before Preact removes the DOM, so the focused element is still here.
      const active = panel && (panel.getRootNode() as Document | ShadowRoot).activeElement;
      if (panel && active && panel.contains(active)) onFocusLost?.();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && onClose && !e.defaultPrevented) {
      e.preventDefault();
      onClose();
    }
  };

  return (
    <div ref={root} class="panel" role="dialog" aria-label={title} tabIndex={-1} onKeyDown={onKeyDown}>
      <Header store={store} t={t} title={title} onClose={onClose} />
      <MessageList store={store} t={t} />
      {ended ? (
        <EndedBar store={store} t={t} buttonRef={startNew} />
      ) : (
        <Composer store={store} t={t} inputRef={input} />
      )}
    </div>
  );
}
