/** A line in the flow that is not a message: an operator joined or changed, the session ended. */
import type { Translate } from '../i18n';
import type { Notice } from '../store/types';
import { authorName } from './names';

export function noticeText(notice: Notice, t: Translate): string {
  switch (notice.type) {
    case 'operator-joined':
      return t('operatorJoined', { name: authorName(notice.operator, t) });
    case 'operator-changed':
      return t('operatorChanged', {
        name: authorName(notice.operator, t),
        previous: authorName(notice.previous, t),
      });
    case 'session-ended':
      return t('sessionEnded');
  }
}

export function NoticeItem(props: { notice: Notice; t: Translate }) {
  return (
    <div class={`notice notice--${props.notice.type}`}>
      <span>{noticeText(props.notice, props.t)}</span>
    </div>
  );
}
