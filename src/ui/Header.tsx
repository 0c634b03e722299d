/** The panel's header: title, connection status, and the close button in floating mode. */
import type { Translate } from '../i18n';
import type { ChatStore } from '../store/chat-store';
import { ConnectionStatus } from './ConnectionStatus';
import { CloseIcon } from './icons';

export interface HeaderProps {
  store: ChatStore;
  t: Translate;
  title: string;
  /** Absent in inline mode, where the panel cannot be closed. */
  onClose?: (() => void) | undefined;
}

export function Header({ store, t, title, onClose }: HeaderProps) {
  return (
    <header class="header">
      <div class="header__text">
        <h2 class="header__title">{title}</h2>
        <ConnectionStatus store={store} t={t} />
      </div>
      {onClose && (
        <button type="button" class="icon-btn header__close" aria-label={t('closeChat')} onClick={onClose}>
          <CloseIcon />
        </button>
      )}
    </header>
  );
}
