/**
 * The bubble of an answer still streaming. It alone reads the growing text (a signal from the
 * store), so a chunk re-renders this bubble and nothing else of the log. Its row is hidden from
 * screen readers until the answer is final (see MessageItem): the log then announces it once,
 * whole, instead of every chunk.
 *
 * No layout jump: when the visitor was reading the end of the log, the end stays in view as the
 * bubble grows (adjusted before paint); someone reading older messages is left where they are.
 */
import type { ReadonlySignal } from '@preact/signals';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { RichText } from './RichText';

/** Same slack as MessageList's "at the bottom". */
const SLACK = 48;

export function LiveBubble({ text }: { text: ReadonlySignal<string> }) {
  const ref = useRef<HTMLDivElement>(null);
  const height = useRef(0);
  const value = text.value;

  useLayoutEffect(() => {
    const el = ref.current;
    const log = el?.closest<HTMLElement>('[role="log"]');
    if (!el || !log) return;
    const grew = el.offsetHeight - height.current;
    height.current = el.offsetHeight;
    // Distance from the end before this growth: within the slack means "was reading the end".
    if (log.scrollHeight - log.scrollTop - log.clientHeight - grew <= SLACK) log.scrollTop = log.scrollHeight;
  }, [value]);

  return (
    <div ref={ref} class="bubble bubble--live" dir="auto">
      <RichText text={value} />
    </div>
  );
}
