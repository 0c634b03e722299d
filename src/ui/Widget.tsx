/**
 * The widget's root component: the launcher and, while open, the panel. It renders into the shadow
 * root the embed code created. The panel arrives as a render function because in the split build
 * it is a separate file: the first script shows the launcher (and its unread badge) on its own and
 * the panel's code follows (`panel` is null until then).
 */
import type { ComponentChild } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { Translate } from '../i18n';
import { Launcher, type LauncherState } from './Launcher';
import type { WidgetOptions } from './options';

/** What the panel needs from the frame around it. */
export interface PanelSlotProps {
  /** Closes a floating panel; undefined inline (nothing to close). */
  onClose: (() => void) | undefined;
  /** The panel went away while it held the focus: hand it back to the launcher. */
  onFocusLost: () => void;
}

export interface WidgetProps {
  /** Open state and unread count: the store's, or the embed code's until the store has loaded. */
  store: LauncherState;
  t: Translate;
  options: WidgetOptions;
  panel: ((props: PanelSlotProps) => ComponentChild) | null;
}

export function Widget({ store, t, options, panel }: WidgetProps) {
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

  const onClose = options.inline ? undefined : () => store.setOpen(false);

  return (
    <div
      ref={root}
      class="parley"
      data-theme={options.theme}
      data-position={options.position}
      data-mode={options.inline ? 'inline' : 'floating'}
      data-open={open ? 'true' : 'false'}
    >
      {open && panel?.({ onClose, onFocusLost: () => launcher.current?.focus() })}
      {!options.inline && <Launcher store={store} t={t} buttonRef={launcher} />}
    </div>
  );
}
