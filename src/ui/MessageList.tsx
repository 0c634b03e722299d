/**
 * The conversation as a `role="log"` live region: screen readers announce additions politely.
 * It follows new messages only while the visitor is at the bottom, so reading older messages is
 * never interrupted (a "jump to latest" button appears instead); the visitor's own new message
 * always scrolls into view.
 */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { isTime } from '../core/guards';
import type { Translate } from '../i18n';
import { formatDay } from '../i18n/format';
import type { ChatStore } from '../store/chat-store';
import { toLogItems } from './grouping';
import { ArrowDownIcon } from './icons';
import { MessageItem } from './MessageItem';
import { NoticeItem } from './NoticeItem';

/** Within this many pixels of the end counts as "at the bottom" (sub-pixel rounding, a margin). */
const BOTTOM_SLACK = 48;

export function MessageList(props: {
  store: ChatStore;
  t: Translate;
  now?: () => number;
  /** Shown before the first message (the welcome state). */
  lead?: ComponentChildren;
}) {
  const { store, t } = props;
  const ref = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const lastKey = useRef<string | undefined>(undefined);
  const [missed, setMissed] = useState(false);
  const messages = store.messages.value;
  const items = useMemo(() => toLogItems(messages), [messages]);
  const regenerable = store.regenerable.value;
  const now = (props.now ?? Date.now)();

  const toBottom = () => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setMissed(false);
  };

  useLayoutEffect(() => {
    const last = messages[messages.length - 1];
    const isNew = !!last && last.key !== lastKey.current;
    lastKey.current = last?.key;
    if (atBottom.current || (isNew && last.direction === 'out')) toBottom();
    else if (isNew) setMissed(true);
  }, [messages]);

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
    if (atBottom.current) setMissed(false);
  };

  return (
    <div class="log-wrap">
      <div
        ref={ref}
        class="log"
        role="log"
        aria-live="polite"
        aria-label={t('messages')}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        tabIndex={0}
        onScroll={onScroll}
        // A late-loading image grows the log: keep the bottom in view if the visitor was there.
        onLoadCapture={() => {
          if (atBottom.current) toBottom();
        }}
      >
        {props.lead}
        {items.map((item) => (
          <div key={item.message.key} class="log__item">
            {item.day && isTime(item.message.at) && (
              <div class="day">
                <span>{formatDay(item.message.at, now, t)}</span>
              </div>
            )}
            {item.message.notice ? (
              <NoticeItem notice={item.message.notice} t={t} />
            ) : item.message.author.kind === 'system' ? (
              // A backend's own system message ("the conversation is recorded") reads as a notice.
              <div class="notice notice--system">
                <span>{item.message.text}</span>
              </div>
            ) : (
              <MessageItem
                item={item}
                t={t}
                onRetry={store.retry}
                onChoose={store.chooseAnswer}
                live={store.streamText(item.message.key)}
                onRegenerate={
                  regenerable === item.message.key ? () => store.regenerate(regenerable) : undefined
                }
              />
            )}
          </div>
        ))}
      </div>
      {missed && (
        <button type="button" class="jump" onClick={toBottom}>
          <ArrowDownIcon />
          {t('jumpToLatest')}
        </button>
      )}
    </div>
  );
}
