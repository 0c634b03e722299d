/**
 * Runs `fn` when the page has a quiet moment, and within `timeoutMs` in any case. Never waits for
 * the window's `load` event: a host page that never finishes loading (a long poll, a stalled image)
 * must still get its widget. Returns a cancel function.
 */
export function whenIdle(fn: () => void, timeoutMs = 2000): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(fn, { timeout: timeoutMs });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(fn, 200);
  return () => clearTimeout(id);
}
