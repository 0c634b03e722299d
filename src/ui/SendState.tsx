/**
 * The state of one of the visitor's messages. "Sending" and "failed" are written out because the
 * visitor must act on them; sent, delivered and read are ticks with a visually hidden word.
 */
import type { SendState as State } from '../core/types';
import type { Translate } from '../i18n';
import { AlertIcon, CheckIcon, ClockIcon, DoubleCheckIcon } from './icons';

export function SendState(props: {
  state: State;
  t: Translate;
  onRetry: () => void;
  reason?: string | undefined;
  /** Failed, but it may have arrived (the page went away while it was being sent). */
  unconfirmed?: boolean | undefined;
}) {
  const { state, t } = props;
  switch (state) {
    case 'sending':
      return (
        <span class="state state--sending">
          <ClockIcon />
          {t('stateSending')}
        </span>
      );
    case 'failed':
      return (
        <span class="state state--failed">
          <AlertIcon />
          {t(props.unconfirmed ? 'stateUnconfirmed' : 'stateFailed')}
          {props.unconfirmed ? (
            <span class="state__reason">{t('unconfirmedReason')}</span>
          ) : (
            props.reason && <span class="state__reason">{props.reason}</span>
          )}
          <button type="button" class="link-btn" onClick={props.onRetry}>
            {t('retry')}
          </button>
        </span>
      );
    default:
      return (
        <span class={`state state--${state}`}>
          {state === 'read' ? <DoubleCheckIcon /> : <CheckIcon />}
          <span class="sr-only">
            {t(state === 'read' ? 'stateRead' : state === 'delivered' ? 'stateDelivered' : 'stateSent')}
          </span>
        </span>
      );
  }
}
