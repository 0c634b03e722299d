/** The connection state in words (never colour alone), with a retry when it failed. */
import type { ConnectionStatus as Status } from '../core/types';
import type { Key, Translate } from '../i18n';
import type { ChatStore } from '../store/chat-store';

const WORDS: Record<Status, Key> = {
  // `idle` is the instant before the embed calls connect(): say what is about to happen.
  idle: 'statusConnecting',
  connecting: 'statusConnecting',
  connected: 'statusOnline',
  reconnecting: 'statusReconnecting',
  disconnected: 'statusOffline',
  failed: 'statusFailed',
};

export function ConnectionStatus(props: { store: ChatStore; t: Translate }) {
  const { store, t } = props;
  const { status, reason } = store.status.value;
  const error = store.error.value;
  const detail = store.status.value.detail;
  const canRetry = status === 'failed' || error !== null;
  return (
    <div class="status" data-status={status}>
      <span class="status__dot" aria-hidden="true" />
      <span role="status" class="status__text">
        {t(reason === 'evicted' ? 'statusEvicted' : WORDS[status])}
        {error && status !== 'failed' ? ` · ${t('errorGeneric')}` : ''}
        {/* The server's own reason (a close reason): text, never markup. */}
        {status === 'failed' && detail ? <span class="status__detail">: {detail}</span> : null}
      </span>
      {canRetry && (
        <button type="button" class="link-btn status__retry" onClick={() => store.retryConnection()}>
          {t('retryConnection')}
        </button>
      )}
    </div>
  );
}
