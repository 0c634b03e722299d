/**
 * The conversation, as a `role="log"`. Only a window of rows near the viewport is in the DOM (at
 * most `MAX_ROWS`), so a conversation of any length costs what a short one does: scrolling near
 * either end of the window renders the next page of rows there and drops rows far out of view on
 * the other side, keeping the row the visitor looks at exactly where it was (no jumps).
 *
 * The log is a polite live region, as chat logs are, but rows that scrolling brings (back) into
 * the window are not news: they go into a part of the log marked `aria-live="off"`. Only messages
 * that arrive while the log is shown land in the live part and are announced, once.
 *
 * It follows new messages only while the visitor is at the bottom, so reading older messages is
 * never interrupted (a "jump to latest" button appears instead, and while the newest rows are out of
 * the window); the visitor's own new message always scrolls into view.
 */
import type { ComponentChildren, VNode } from 'preact';
import { useLayoutEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import { isTime } from '../core/guards';
import type { Translate } from '../i18n';
import { formatDay } from '../i18n/format';
import type { ChatStore } from '../store/chat-store';
import type { ChatMessage } from '../store/types';
import { logItem, namedBot } from './grouping';
import { ArrowDownIcon } from './icons';
import { MessageRow } from './MessageRow';
import { OlderMessages } from './OlderMessages';

/** Within this many pixels of the end counts as "at the bottom" (sub-pixel rounding, a margin). */
const BOTTOM_SLACK = 48;
/**
 * Rows rendered while following the end of the conversation at most: the log keeps about one and a
 * half screens of them (`fitTail`). That also caps what one frame of a burst renders: the rows in
 * between are passed over, and scrolling up brings them.
 */
export const TAIL_ROWS = 30;
/** The fewest rows kept while following the end. */
const MIN_TAIL_ROWS = 10;
/**
 * Rows added when scrolling comes within two screens of an edge of the window: a small step, so the
 * frame that renders it stays within its budget (30 at once made a dropped frame at each step).
 */
const PAGE_ROWS = 10;
/** The window never holds more rows than this. */
export const MAX_ROWS = 120;

interface Window {
  start: number;
  end: number;
  /** The list length the window was fitted to. */
  length: number;
  /** Keys of the list's first message and of the window's first row, as fitted. */
  first?: string | undefined;
  top?: string | undefined;
}

/** Renders `PAGE_ROWS` more rows before (-1) or after (+1) the window, dropping the far side. */
function move(w: Window, n: number, live: { current: number }, direction: -1 | 1): void {
  if (direction < 0) {
    w.start = Math.max(0, w.start - PAGE_ROWS);
    w.end = Math.min(w.end, w.start + MAX_ROWS);
    // Rows below the window come back by scrolling later: they are not news then.
    if (w.end < n) live.current = Math.max(live.current, n);
  } else {
    w.end = Math.min(n, w.end + PAGE_ROWS);
    w.start = Math.max(w.start, w.end - MAX_ROWS);
  }
}

/**
 * Older messages came in at the start of the list (or the oldest went): the window moves with its
 * rows, so nothing on screen changes. Returns how far it moved.
 */
function follow(w: Window, messages: readonly ChatMessage[], live: { current: number }): number {
  const at = w.top === undefined ? -1 : messages.findIndex((m) => m.key === w.top);
  if (at === -1) {
    // The rows shown are gone (a bounded list let them go): back to the end.
    w.start = Math.max(0, messages.length - TAIL_ROWS);
    w.end = w.length = messages.length;
    live.current = Math.min(live.current, messages.length);
    return 0;
  }
  const delta = at - w.start;
  w.start += delta;
  w.end += delta;
  w.length += delta;
  live.current = Math.max(0, live.current + delta);
  return delta;
}

/** The first row at least partly in view, and where it is: kept in place across a window change. */
function anchorOf(log: HTMLElement): { key: string; top: number } | null {
  const top = log.getBoundingClientRect().top;
  for (const row of log.querySelectorAll('[data-row]')) {
    const rect = row.getBoundingClientRect();
    const key = (row as HTMLElement).dataset.row;
    if (rect.bottom > top && key) return { key, top: rect.top };
  }
  return null;
}

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
  const anchor = useRef<{ key: string; top: number } | null>(null);
  const stick = useRef(false);
  const [missed, setMissed] = useState(false);
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const messages = store.messages.value;
  const n = messages.length;
  const regenerable = store.regenerable.value;
  const now = (props.now ?? Date.now)();

  /** Rows kept while following the end, fitted to the log's height once it is laid out. */
  const tail = useRef(TAIL_ROWS);
  const win = useRef<Window>({ start: Math.max(0, n - TAIL_ROWS), end: n, length: n });
  /** Index of the first message that is news: what the log showed when it opened is not. */
  const live = useRef(n);
  const w = win.current;
  const older = store.older.value;
  if (messages[0]?.key !== w.first && w.first !== undefined && follow(w, messages, live) > 0) {
    // Older messages came in. At the bottom (where a log too short to scroll is), the tail it
    // follows includes them; near the top, some of them are rendered now, and the row in view,
    // measured before this render changes the DOM, is put back where it was after it.
    const el = ref.current;
    if (atBottom.current) w.start = Math.max(0, Math.min(w.start, w.end - tail.current));
    else if (el && el.scrollTop < 2 * el.clientHeight && !anchor.current && w.start > 0) {
      anchor.current = anchorOf(el);
      move(w, n, live, -1);
    }
  }
  if (w.length !== n) {
    // A window that reached the end of the list grows with it; one that follows the bottom keeps
    // only the tail, so a long burst never piles up rows.
    if (w.end >= w.length || w.end > n) w.end = n;
    // (A page at a time, so rows are not dropped one by one on every message.)
    if (atBottom.current && w.end === n && n - w.start > tail.current + PAGE_ROWS) w.start = n - tail.current;
    w.start = Math.min(w.start, Math.max(0, w.end - 1));
    w.length = n;
  }

  const toBottom = () => {
    const el = ref.current;
    if (w.end !== n) {
      // The tail is not rendered yet: scroll once it is.
      w.start = Math.max(0, n - tail.current);
      w.end = n;
      stick.current = true;
      redraw(0);
    } else if (el) el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setMissed(false);
  };

  useLayoutEffect(() => {
    const last = messages[messages.length - 1];
    const isNew = !!last && last.key !== lastKey.current;
    lastKey.current = last?.key;
    if (atBottom.current || (isNew && last.direction === 'out')) toBottom();
    else if (isNew) setMissed(true);
    const el = ref.current;
    if (el && atBottom.current && w.end === n) fitTail(el);
  }, [messages]);

  /**
   * About one and a half screens of rows while following the end (the average row height of the
   * window, read once the layout is done anyway). A log that cannot scroll, with older rows not
   * rendered, would give the visitor no way to reach them: it grows at once.
   */
  const fitTail = (el: HTMLElement) => {
    const rows = w.end - w.start;
    if (!rows || !el.clientHeight) return; // not laid out (hidden, or a test's DOM)
    const perRow = el.scrollHeight / rows;
    tail.current = Math.min(TAIL_ROWS, Math.max(MIN_TAIL_ROWS, Math.ceil((1.5 * el.clientHeight) / perRow)));
    if (w.start > 0 && el.scrollHeight <= el.clientHeight && !anchor.current) grow(el, -1);
  };

  // A log too short to scroll cannot reach its top by scrolling: it asks for older messages itself
  // (the store asks only for a resumed conversation: one that began on this page has none).
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && w.start === 0 && older === 'idle' && el.scrollHeight <= el.clientHeight) void store.fillOlder();
  });

  // After the window moved: put the row the visitor was looking at back where it was (or go to
  // the end, for "jump to latest").
  useLayoutEffect(() => {
    const el = ref.current;
    const was = anchor.current;
    anchor.current = null;
    if (!el) return;
    if (stick.current) {
      stick.current = false;
      el.scrollTop = el.scrollHeight;
      return;
    }
    if (!was) return;
    for (const row of el.querySelectorAll('[data-row]')) {
      if ((row as HTMLElement).dataset.row !== was.key) continue;
      el.scrollTop += row.getBoundingClientRect().top - was.top;
      return;
    }
  });

  /** `move`, keeping the row in view where it is. */
  const grow = (el: HTMLElement, direction: -1 | 1) => {
    anchor.current = anchorOf(el);
    move(w, n, live, direction);
    redraw(0);
  };

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    const below = el.scrollHeight - el.scrollTop - el.clientHeight;
    atBottom.current = below <= BOTTOM_SLACK && w.end === n;
    if (atBottom.current) setMissed(false);
    if (anchor.current) return; // a window change is being rendered
    const near = 2 * el.clientHeight;
    // (Not while following the end: the tail is short on purpose, and the scrolls that keep the
    // end in view are not the visitor's.)
    if (el.scrollTop < near && w.start > 0 && !atBottom.current) grow(el, -1);
    else if (below < near && w.end < n) grow(el, 1);
    // Near the top of everything held: older messages from storage or the server's history.
    else if (el.scrollTop < near && w.start === 0) void store.loadOlder();
  };

  w.first = messages[0]?.key;
  w.top = messages[w.start]?.key;
  const bot = useMemo(() => namedBot(messages), [messages]);
  // Rows from `live.current` on arrived while the log was shown and go to its live part.
  const history: VNode[] = [];
  const rows: VNode[] = [];
  for (let i = w.start; i < w.end; i++) {
    const item = logItem(messages, i, bot);
    const m = item.message;
    (i < live.current ? history : rows).push(
      <MessageRow
        key={m.key}
        message={m}
        first={item.first}
        last={item.last}
        day={item.day && isTime(m.at) ? formatDay(m.at, now, t) : undefined}
        t={t}
        onRetry={store.retry}
        onChoose={store.chooseAnswer}
        live={store.streamText(m.key)}
        onRegenerate={regenerable === m.key ? store.regenerate : undefined}
      />,
    );
  }

  return (
    <div class="log-wrap">
      <div
        ref={ref}
        class="log"
        role="log"
        aria-live="polite"
        aria-busy={older === 'loading' ? 'true' : undefined}
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
        <div class="log__history" aria-live="off">
          {w.start === 0 && (
            <OlderMessages
              state={older}
              history={!!store.transport.loadOlder}
              t={t}
              onRetry={store.loadOlder}
            />
          )}
          {history}
        </div>
        {rows}
      </div>
      {(missed || w.end < n) && (
        <button type="button" class="jump" onClick={toBottom}>
          <ArrowDownIcon />
          {t('jumpToLatest')}
        </button>
      )}
    </div>
  );
}
