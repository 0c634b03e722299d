/**
 * The floating button that opens and closes the panel. Its name stays "Open chat" and
 * `aria-expanded` carries the state (the disclosure pattern); the unread count is its description.
 */
import type { ReadonlySignal } from '@preact/signals';
import type { Ref } from 'preact';
import { useId } from 'preact/hooks';
import type { Translate } from '../i18n';
import { ChatIcon, CloseIcon } from './icon';

/** The part of the store the launcher reads; the embed code provides it until the store has loaded. */
export interface LauncherState {
  readonly isOpen: ReadonlySignal<boolean>;
  readonly unread: ReadonlySignal<number>;
  setOpen(open: boolean): void;
}

export function Launcher(props: { store: LauncherState; t: Translate; buttonRef: Ref<HTMLButtonElement> }) {
  const { store, t } = props;
  const open = store.isOpen.value;
  const unread = store.unread.value;
  const badgeId = useId();
  return (
    <button
      ref={props.buttonRef}
      type="button"
      class="launcher"
      aria-label={t('openChat')}
      aria-expanded={open}
      aria-describedby={unread > 0 ? badgeId : undefined}
      onClick={() => store.setOpen(!open)}
    >
      {open ? <CloseIcon /> : <ChatIcon />}
      {unread > 0 && (
        <span class="launcher__badge" id={badgeId}>
          <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
          <span class="sr-only">{t('unread', { count: unread })}</span>
        </span>
      )}
    </button>
  );
}
