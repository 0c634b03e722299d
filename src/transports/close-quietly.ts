/**
 * Closes a WebSocket we no longer own without running any of our handlers again.
 * The error handler becomes a no-op rather than null: Node's `ws` (used by the tests, and by anyone
 * running an adapter in Node) emits `error` when a socket that is still connecting is closed, and
 * an emitter with no `error` listener throws it as an uncaught exception (it failed a CI run).
 */
export function closeQuietly(ws: WebSocket, code = 1000, reason = 'bye'): void {
  ws.onopen = ws.onmessage = ws.onclose = null;
  ws.onerror = () => {};
  try {
    ws.close(code, reason);
  } catch {
    // already closing
  }
}
