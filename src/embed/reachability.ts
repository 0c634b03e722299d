/**
 * One console hint for the site owner when the backend cannot be reached at all: the visitor sees
 * "Reconnecting…", which says nothing about a wrong `data-server`, a server that is down, or a CORS
 * or CSP rule that blocks it. Said once per page view, and only while the widget never connected
 * (a backend that worked and then dropped is the visitor's network, not the site's setup).
 */
import { log } from '../core/log';
import type { StatusChange } from '../core/types';

/** Failed attempts (retries scheduled) before the hint. */
export const HINT_AFTER_FAILURES = 3;

type OnStatus = (fn: (s: StatusChange) => void) => () => void;

export function hintWhenUnreachable(onStatus: OnStatus, server: string): () => void {
  let failures = 0;
  let done = false;
  const off = onStatus((s) => {
    if (done) return;
    if (s.status === 'connected') {
      done = true;
      return;
    }
    // A scheduled retry (it carries its delay) is one failed attempt; `reconnecting` also marks an
    // attempt starting, which must not count twice.
    if (s.status !== 'reconnecting' || s.retryInMs === undefined) return;
    failures += 1;
    if (failures < HINT_AFTER_FAILURES) return;
    done = true;
    log.warn(
      `cannot reach the chat backend at ${originOf(server)} (${failures} attempts failed; still retrying). ` +
        'Check that data-server names a running server, that it answers this page (CORS), and that the ' +
        "page's Content-Security-Policy connect-src allows it.",
    );
  });
  return off;
}

/** The origin only: a path may carry something private, and the origin is what the owner checks. */
function originOf(server: string): string {
  try {
    return new URL(server).origin;
  } catch {
    return 'data-server';
  }
}
