/**
 * The panel's header: title, who is answering (once an operator joined), the connection status,
 * and the close button in floating mode.
 */
import type { Translate } from '../i18n';
import type { ChatStore } from '../store/chat-store';
import { Avatar } from './Avatar';
import { ConnectionStatus } from './ConnectionStatus';
import { CloseIcon } from './icons';
import { authorName } from './names';

export interface HeaderProps {
  store: ChatStore;
  t: Translate;
  title: string;
  /** The team's picture (`data-avatar`), shown until an operator joins. */
  avatar?: string | undefined;
  /** A line under the title (`data-subtitle`). */
  subtitle?: string | undefined;
  /** Absent in inline mode, where the panel cannot be closed. */
  onClose?: (() => void) | undefined;
}

export function Header({ store, t, title, avatar, subtitle, onClose }: HeaderProps) {
  // After the conversation ended nobody is answering any more.
  const operator = store.ended.value ? null : store.operator.value;
  const name = operator ? authorName(operator, t) : '';
  return (
    <header class="header">
      {operator ? (
        <Avatar author={operator} name={name} size="medium" />
      ) : (
        avatar && <Avatar author={{ kind: 'bot', avatarUrl: avatar }} name={title} size="medium" />
      )}
      <div class="header__text">
        <h2 class="header__title">{title}</h2>
        {subtitle && !operator && <p class="header__who">{subtitle}</p>}
        {operator && <p class="header__who">{t('answering', { name })}</p>}
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
