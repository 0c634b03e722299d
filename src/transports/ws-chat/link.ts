/**
 * One WebSocket to `/ws/chat`. Handlers of a link that was replaced or closed never run again
 * (ownership), so a late event from an old socket cannot disturb the new one.
 */
import { closeQuietly } from '../close-quietly';
export interface LinkHandlers {
  open(): void;
  frame(data: unknown): void;
  /** `opened` is false when the handshake never completed (a refusal, or the server is down). */
  close(code: number, opened: boolean): void;
}

export class Link {
  #ws: WebSocket | null;
  #opened = false;

  constructor(url: string, Ctor: typeof WebSocket, handlers: LinkHandlers) {
    const ws = new Ctor(url);
    this.#ws = ws;
    ws.onopen = () => {
      if (this.#ws !== ws) return;
      this.#opened = true;
      handlers.open();
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.#ws === ws) handlers.frame(ev.data);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      handlers.close(ev.code, this.#opened);
    };
    ws.onerror = () => {
      // `close` always follows; it decides what to do.
    };
  }

  get isOpen(): boolean {
    return this.#ws?.readyState === 1;
  }

  /** Writes one frame; false when the socket is not open (the frame did not go out). */
  write(text: string): boolean {
    if (this.#ws?.readyState !== 1) return false;
    this.#ws.send(text);
    return true;
  }

  /** Closes without calling any handler again. */
  close(code = 1000, reason = 'bye'): void {
    const ws = this.#ws;
    this.#ws = null;
    if (!ws) return;
    closeQuietly(ws, code, reason);
  }
}
