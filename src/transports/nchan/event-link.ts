/**
 * The fallback when a WebSocket cannot be opened (a proxy that does not pass upgrades): receive with
 * EventSource, publish with `fetch` POST to the same URL. nchan sends the message id as the event id
 * and, where configured, `ping` events; once one arrived, a silence of `silenceMs` means the stream
 * is dead. The browser's own EventSource retry is not used: the adapter reconnects with its backoff,
 * a fresh token and the resume id.
 */
import { type RawFrame, SSE_PING_EVENT } from './protocol';

export interface EventLinkHandlers {
  open(): void;
  frame(frame: RawFrame): void;
  /** The stream failed (`opened` false: it never opened). Not called after `close()`. */
  closed(opened: boolean): void;
  dead(): void;
}

export interface EventLinkOptions {
  url: string;
  EventSource: typeof EventSource;
  silenceMs: number;
}

export class EventLink {
  private readonly es: EventSource;
  private opened = false;
  private done = false;
  private pinged = false;
  private watchdog: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: EventLinkOptions,
    private readonly on: EventLinkHandlers,
  ) {
    const es = new options.EventSource(options.url);
    this.es = es;
    es.onopen = () => {
      this.opened = true;
      this.on.open();
    };
    es.onmessage = (ev: MessageEvent) => {
      this.alive();
      if (typeof ev.data !== 'string') return;
      this.on.frame(ev.lastEventId ? { id: ev.lastEventId, body: ev.data } : { body: ev.data });
    };
    es.addEventListener(SSE_PING_EVENT, () => {
      this.pinged = true;
      this.alive();
    });
    es.onerror = () => {
      if (this.done) return;
      this.close();
      this.on.closed(this.opened);
    };
  }

  get isOpen(): boolean {
    return this.opened && !this.done;
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.watchdog);
    this.es.onopen = this.es.onmessage = this.es.onerror = null;
    this.es.close();
  }

  private alive(): void {
    if (!this.pinged || this.done) return;
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      if (this.done) return;
      this.close();
      this.on.dead();
    }, this.options.silenceMs);
  }
}
