/**
 * One message in the log. The sender's name is shown on the first message of a group and kept as
 * visually hidden text on the others, so a screen reader always hears who wrote each message.
 */
import type { ReadonlySignal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import { isTime } from '../core/guards';
import type { Answer, Attachment } from '../core/types';
import type { Translate } from '../i18n';
import { formatDateTime, formatTime } from '../i18n/format';
import type { ChatMessage } from '../store/types';
import { AnswerButtons } from './AnswerButtons';
import { Avatar } from './Avatar';
import type { LogItem } from './grouping';
import { LiveBubble } from './LiveBubble';
import { authorName } from './names';
import { onDemand } from './on-demand';
import { RichText } from './RichText';
import { SendState } from './SendState';

// A message's files: their code and stylesheet load the first time one is shown (ui/on-demand.ts).
const attachments = onDemand("a message's files", () => import('./Attachments'));

/** The files, once their code is there (the row grows then, as it does when an image arrives). */
function Files(props: { files: readonly Attachment[]; t: Translate }) {
  const Attachments = attachments()?.Attachments;
  return Attachments ? <Attachments {...props} /> : null;
}

export interface MessageItemProps {
  item: LogItem;
  t: Translate;
  onRetry: (key: string) => void;
  onChoose: (key: string, answer: Answer) => void;
  /** The growing text while this answer streams (store.streamText). */
  live?: ReadonlySignal<string> | undefined;
  /** Offered under the last answer when the backend can answer again. */
  onRegenerate?: (() => void) | undefined;
}

function classes(m: ChatMessage, item: LogItem): string {
  const c = ['msg', `msg--${m.direction}`, `msg--${m.author.kind}`];
  if (m.kind !== 'regular') c.push(`msg--${m.kind}`);
  if (item.first) c.push('msg--first');
  if (item.last) c.push('msg--last');
  return c.join(' ');
}

export function MessageItem({ item, t, onRetry, onChoose, live, onRegenerate }: MessageItemProps) {
  const m = item.message;
  const name = authorName(m.author, t);
  const incoming = m.direction === 'in';
  // An answer that streamed is on screen already: its final bubble does not play the entrance again.
  const streamed = useRef(false);
  if (live) streamed.current = true;
  return (
    // While streaming the row is hidden from screen readers and keyed apart: the final row is a new
    // node in the live log, announced once; it has the same size and no entrance, so nothing moves.
    <div
      key={live ? 'live' : 'final'}
      class={classes(m, item)}
      data-key={m.key}
      aria-hidden={live ? 'true' : undefined}
    >
      {incoming && <div class="msg__avatar">{item.first && <Avatar author={m.author} name={name} />}</div>}
      <div class="msg__body">
        {item.first ? <div class="msg__name">{name}</div> : <span class="sr-only">{name}: </span>}
        {m.kind === 'help' && <div class="msg__tag">{t('helpRequest')}</div>}
        {live ? (
          <LiveBubble text={live} />
        ) : (
          m.text && (
            <div class={streamed.current ? 'bubble bubble--settled' : 'bubble'} dir="auto">
              <RichText text={m.text} />
            </div>
          )
        )}
        {m.attachments?.length ? <Files files={m.attachments} t={t} /> : null}
        <div class="msg__meta">
          {isTime(m.at) && (
            <time dateTime={new Date(m.at).toISOString()} title={formatDateTime(m.at, t)}>
              {formatTime(m.at, t)}
            </time>
          )}
          {m.state && (
            <SendState
              state={m.state}
              t={t}
              reason={m.failure}
              unconfirmed={m.unconfirmed}
              onRetry={() => onRetry(m.key)}
            />
          )}
          {onRegenerate && (
            <button type="button" class="link-btn msg__regenerate" onClick={onRegenerate}>
              {t('regenerate')}
            </button>
          )}
        </div>
        {m.answers?.length ? (
          <AnswerButtons
            answers={m.answers}
            chosen={m.chosenAnswer}
            over={m.answersDone === true}
            t={t}
            onChoose={(answer) => onChoose(m.key, answer)}
          />
        ) : null}
      </div>
    </div>
  );
}
