/**
 * The chat panel, a non-modal dialog: the page stays usable, so focus is not trapped. Opening moves
 * focus to the composer; if focus is inside when the panel goes away (Escape, the close button, or
 * the host page's `Parley.close()`), `onFocusLost` lets the widget hand it back to the launcher.
 * Files dropped anywhere on it are attached (when the backend takes files).
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Translate } from '../i18n';
import type { ChatStore } from '../store/chat-store';
import { Composer } from './Composer';
import { DropHint, useFileDrop } from './DropZone';
import { EndedBar } from './EndedBar';
import { Header } from './Header';
import { useKeepLogBottom } from './keep-bottom';
import { MessageList } from './MessageList';
import { OfflineNote } from './OfflineNote';
import type { WelcomeOptions } from './options';
import { usePageScrollLock } from './scroll-lock';
import { TypingIndicator } from './TypingIndicator';
import { Welcome } from './Welcome';

export interface PanelProps {
  store: ChatStore;
  t: Translate;
  title: string;
  /** The welcome state and the header's avatar and subtitle (`data-welcome`…). */
  welcome?: WelcomeOptions | undefined;
  onClose?: (() => void) | undefined;
  onFocusLost?: () => void;
}

const activeIn = (el: HTMLElement | null): boolean => {
  const active = el && (el.getRootNode() as Document | ShadowRoot).activeElement;
  return !!el && !!active && el.contains(active);
};

export function Panel({ store, t, title, welcome, onClose, onFocusLost }: PanelProps) {
  const root = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const startNew = useRef<HTMLButtonElement>(null);
  const footer = useRef<HTMLDivElement>(null);
  const ended = store.ended.value;
  const shownEnded = useRef(ended);
  const refocus = useRef(false);
  const drop = useFileDrop(store.uploads);
  usePageScrollLock(root);
  useKeepLogBottom(root);

  // The composer and the "start new" bar replace each other. Decide before the DOM changes whether
  // the visitor's focus was in the part that is about to disappear, so it can follow to the new one.
  if (shownEnded.current !== ended) {
    shownEnded.current = ended;
    refocus.current = activeIn(footer.current);
  }

  useLayoutEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    (input.current ?? startNew.current)?.focus();
  }, [ended]);

  useLayoutEffect(() => {
    // The visitor opened a floating panel, so focus goes in. An inline panel is there from page
    // load: taking focus then would scroll the page to it and away from what the visitor reads.
    if (onClose) (input.current ?? startNew.current ?? root.current)?.focus();
    const panel = root.current;
    return () => {
      // Hook cleanups run before Preact removes the DOM, so the focused element is still here.
      if (activeIn(panel)) onFocusLost?.();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && onClose && !e.defaultPrevented) {
      e.preventDefault();
      onClose();
    }
  };

  return (
    <div
      ref={root}
      class="panel"
      role="dialog"
      aria-label={title}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      {...drop.handlers}
    >
      <Header
        store={store}
        t={t}
        title={title}
        avatar={welcome?.avatar}
        subtitle={welcome?.subtitle}
        onClose={onClose}
      />
      <MessageList
        store={store}
        t={t}
        lead={welcome && <Welcome store={store} t={t} title={title} options={welcome} />}
      />
      <OfflineNote store={store} t={t} />
      <TypingIndicator store={store} t={t} />
      <div ref={footer} class="footer">
        {ended ? (
          <EndedBar store={store} t={t} buttonRef={startNew} />
        ) : (
          <Composer store={store} t={t} inputRef={input} />
        )}
      </div>
      {drop.dragging && <DropHint t={t} />}
    </div>
  );
}
