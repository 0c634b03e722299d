/**
 * The top of the log, above the oldest message held: "Loading earlier messages…" while the store
 * brings older ones (store/older.ts), "Beginning of the conversation" when nothing older exists
 * (only where the backend has a history: elsewhere the store cannot tell), and a retry when loading
 * failed. It sits in the log's `aria-live="off"` part: a screen reader finds it by reading, and
 * the log is `aria-busy` while loading, so older messages are never announced as new.
 */
import type { Translate } from '../i18n';
import type { OlderState } from '../store/older';

export function OlderMessages(props: {
  state: OlderState;
  /** The backend keeps a history (the adapter has `loadOlder`). */
  history: boolean;
  t: Translate;
  onRetry: () => void;
}) {
  const { state, t } = props;
  if (state === 'loading') return <p class="log__older">{t('olderLoading')}</p>;
  if (state === 'failed')
    return (
      <p class="log__older">
        {t('olderFailed')}{' '}
        <button type="button" class="link-btn" onClick={props.onRetry}>
          {t('olderRetry')}
        </button>
      </p>
    );
  if (state === 'done' && props.history) return <p class="log__older">{t('olderDone')}</p>;
  return null;
}
