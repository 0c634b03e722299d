/**
 * The widget's root component. It renders into the shadow root the embed code created; everything
 * it shows comes from the store's signals, so it holds almost no state of its own.
 */
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { Translate } from '../i18n';
import type { ChatStore } from '../store/chat-store';
import { ErrorBoundary } from './ErrorBoundary';
import { Launcher } from './Launcher';
import type { WidgetOptions } from './options';
import { Panel } from './Panel';

export interface WidgetProps {
  store: ChatStore;
  t: Translate;
  options: WidgetOptions;
}

export function Widget({ store, t, options }: WidgetProps) {
  const root = useRef<HTMLDivElement>(null);
  const launcher = useRef<HTMLButtonElement>(null);
  const open = options.inline || store.isOpen.value;

  // Inline mode is always "open": unread counting and the host page's events should agree.
  useEffect(() => {
    if (options.inline) store.setOpen(true);
  }, [options.inline, store]);

  // A dynamic colour through the CSSOM, which strict CSP allows (a style attribute string it does not).
  useLayoutEffect(() => {
    const el = root.current;
    if (!el) return;
    if (options.accent) el.style.setProperty('--parley-accent', options.accent);
    else el.style.removeProperty('--parley-accent');
  }, [options.accent]);

  const close = options.inline ? undefined : () => store.setOpen(false);

  return (
    <div
      ref={root}
      class="parley"
      data-theme={options.theme}
      data-position={options.position}
      data-mode={options.inline ? 'inline' : 'floating'}
      data-open={open ? 'true' : 'false'}
    >
      {open && (
        <ErrorBoundary t={t} onStartOver={() => store.clear()}>
          <Panel
            store={store}
            t={t}
            title={options.title}
            onClose={close}
            onFocusLost={() => launcher.current?.focus()}
          />
        </ErrorBoundary>
      )}
      {!options.inline && <Launcher store={store} t={t} buttonRef={launcher} />}
    </div>
  );
}
