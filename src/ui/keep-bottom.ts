/**
 * Keeps the end of the log in view when the log's box gets smaller while the visitor was reading
 * the end: the upload tray opening, the text field growing, or a phone's on-screen keyboard
 * shrinking the panel. A shrinking scroll box keeps its scrollTop and fires no scroll event, so
 * without this the newest messages would silently slide under the composer.
 * MessageList follows new messages; this only reacts to size changes, so the two never disagree.
 */
import { useLayoutEffect } from 'preact/hooks';

/** Same slack as MessageList's "at the bottom". */
const SLACK = 48;

export function useKeepLogBottom(panel: { current: HTMLElement | null }): void {
  useLayoutEffect(() => {
    const log = panel.current?.querySelector<HTMLElement>('[role="log"]');
    if (!log || typeof ResizeObserver !== 'function') return;
    let atBottom = true;
    const onScroll = () => {
      atBottom = log.scrollHeight - log.scrollTop - log.clientHeight <= SLACK;
    };
    const observer = new ResizeObserver(() => {
      if (atBottom) log.scrollTop = log.scrollHeight;
    });
    log.addEventListener('scroll', onScroll, { passive: true });
    observer.observe(log);
    return () => {
      log.removeEventListener('scroll', onScroll);
      observer.disconnect();
    };
  }, []);
}
