/**
 * One row of the log: a day separator when the day changes, then the message or notice. Memoised
 * on the message object, its grouping and the day's label, so a new message re-renders its own row
 * and at most its neighbour (whose grouping it changed), not the whole conversation: the store
 * keeps unchanged messages as the same objects.
 */
import type { ReadonlySignal } from '@preact/signals';
import type { Answer } from '../core/types';
import type { Translate } from '../i18n';
import type { ChatMessage } from '../store/types';
import { MessageItem } from './MessageItem';
import { memo } from './memo';
import { NoticeItem } from './NoticeItem';

export interface MessageRowProps {
  message: ChatMessage;
  first: boolean;
  last: boolean;
  /** The day separator's text, when this message starts a day. */
  day: string | undefined;
  t: Translate;
  onRetry: (key: string) => void;
  onChoose: (key: string, answer: Answer) => void;
  live: ReadonlySignal<string> | undefined;
  /** Set on the one row that offers "regenerate": called with the row's key. */
  onRegenerate: ((key: string) => void) | undefined;
}

function Row({ message, first, last, day, t, onRetry, onChoose, live, onRegenerate }: MessageRowProps) {
  return (
    <div class="log__item" data-row={message.key}>
      {day !== undefined && (
        <div class="day">
          <span>{day}</span>
        </div>
      )}
      {message.notice ? (
        <NoticeItem notice={message.notice} t={t} />
      ) : message.author.kind === 'system' ? (
        // A backend's own system message ("the conversation is recorded") reads as a notice.
        <div class="notice notice--system">
          <span>{message.text}</span>
        </div>
      ) : (
        <MessageItem
          item={{ message, first, last, day: day !== undefined }}
          t={t}
          onRetry={onRetry}
          onChoose={onChoose}
          live={live}
          onRegenerate={onRegenerate ? () => onRegenerate(message.key) : undefined}
        />
      )}
    </div>
  );
}

export const MessageRow = memo(Row);
