/**
 * `window.Parley`: the host page's handle. Calls made before the script loaded sit in an array
 * (`window.Parley = window.Parley || []; Parley.push(['open'])`) and are replayed in order.
 */
import type { Emitter } from '../core/emitter';
import type { TransportError } from '../core/errors';
import { log } from '../core/log';
import type { Author, SendState, StatusChange } from '../core/types';

/** What the page hears of a message: plain data, no internals (see app.tsx). */
export interface ParleyMessage {
  /** The server's id, once known. */
  id?: string | undefined;
  /** The widget's own id of a visitor's message. */
  clientId?: string | undefined;
  text: string;
  /** Epoch milliseconds. */
  at: number;
  /** `in`: from the bot, an operator or the system; `out`: the visitor's. */
  direction: 'in' | 'out';
  author: Author;
  /** Visitor's messages only. */
  state?: SendState | undefined;
}

/** Events of `Parley.on(name, fn)` and of an instance from `mount()`, with what each handler gets. */
export interface ParleyEvents {
  ready: undefined;
  open: undefined;
  close: undefined;
  /** A message was shown: a reply, or one of the visitor's own. */
  message: ParleyMessage;
  /** The server took one of the visitor's messages. */
  sent: ParleyMessage;
  status: StatusChange;
  error: TransportError;
  /** The number of replies the visitor has not seen (0 once the panel opens). */
  unread: number;
}

/**
 * Every event, also dispatched on the widget's host element as a DOM event named `parley:<event>`
 * (bubbling, with the value as `detail`), for tag managers that listen on `document`.
 */
export const EVENT_NAMES = [
  'ready',
  'open',
  'close',
  'message',
  'sent',
  'status',
  'error',
  'unread',
] as const;

export interface ParleyInstance {
  open(): void;
  close(): void;
  toggle(): void;
  /** Hides the whole widget, launcher and panel (closing it); `show()` brings it back. */
  hide(): void;
  show(): void;
  send(text: string): void;
  /** Logout: forgets the visitor (token, session, conversation, draft) in every tab of the site. */
  logout(): void;
  /** The same as `logout()`. */
  clear(): void;
  /** Browser notifications for replies while the tab is hidden; call from a click handler. */
  enableNotifications(): Promise<boolean>;
  /** TWIN: values sent as `clientMetadata` when the next session starts. */
  setMetadata(values: Record<string, unknown>): void;
  /**
   * Says who the visitor is (`{id, hash, name, email}`, see README "Verified identity"), or `null`
   * for an anonymous one. Another visitor than before starts a fresh conversation.
   */
  identify(identity: unknown): void;
  destroy(): void;
}

export interface ParleyApi extends ParleyInstance {
  on<K extends keyof ParleyEvents>(event: K, fn: (value: ParleyEvents[K]) => void): () => void;
  off<K extends keyof ParleyEvents>(event: K, fn: (value: ParleyEvents[K]) => void): void;
  /** Replays queued calls; after load `push` runs a call at once. */
  push(call: unknown): void;
  readonly version: string;
}

type Queued = [string, ...unknown[]];
const METHODS = [
  'open',
  'close',
  'toggle',
  'hide',
  'show',
  'send',
  'clear',
  'logout',
  'enableNotifications',
  'setMetadata',
  'identify',
  'destroy',
  'on',
  'off',
] as const;

/** Builds the API object around one widget instance and its event source. */
export function createApi(
  instance: ParleyInstance,
  events: Emitter<ParleyEvents>,
  version: string,
): ParleyApi {
  let destroyed = false;
  /** After destroy() every call says so, once per call, instead of silently doing nothing. */
  const live =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R, dead: R) =>
    (...args: A): R => {
      if (!destroyed) return fn(...args);
      log.error(
        `Parley.${name}(): this widget was destroyed; load the script again (or call mount()) for a new one`,
      );
      return dead;
    };
  const api: ParleyApi = {
    version,
    open: live('open', () => instance.open(), undefined),
    close: live('close', () => instance.close(), undefined),
    toggle: live('toggle', () => instance.toggle(), undefined),
    hide: live('hide', () => instance.hide(), undefined),
    show: live('show', () => instance.show(), undefined),
    send: live(
      'send',
      (text: string) => {
        if (typeof text === 'string') instance.send(text);
        else log.error('Parley.send(text) needs a string, e.g. Parley.send("Hello")');
      },
      undefined,
    ),
    clear: live('clear', () => instance.clear(), undefined),
    logout: live('logout', () => instance.logout(), undefined),
    enableNotifications: live(
      'enableNotifications',
      () => instance.enableNotifications(),
      Promise.resolve(false),
    ),
    setMetadata: live(
      'setMetadata',
      (values: Record<string, unknown>) => instance.setMetadata(values),
      undefined,
    ),
    identify: live('identify', (identity: unknown) => instance.identify(identity), undefined),
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      instance.destroy();
    },
    on: live(
      'on',
      (event, fn) => events.on(event, fn),
      () => {},
    ),
    off: live('off', (event, fn) => events.off(event, fn), undefined),
    push: (call) => run(api, call),
  };
  return api;
}

function run(api: ParleyApi, call: unknown): void {
  if (!Array.isArray(call) || typeof call[0] !== 'string') {
    log.error("Parley.push() takes an array such as ['open'] or ['send', 'Hello']");
    return;
  }
  const [name, ...args] = call as Queued;
  if (!(METHODS as readonly string[]).includes(name)) {
    log.error(`Parley.push(['${name}']) is not a method; use one of ${METHODS.join(', ')}`);
    return;
  }
  (api[name as (typeof METHODS)[number]] as (...a: unknown[]) => unknown)(...args);
}

/**
 * Installs the API on `window.Parley` and replays what the page queued before we loaded:
 * subscriptions first, then `ready`, then the other calls, so a page's `ready` handler runs
 * before the effects of its own queued `open` or `send`.
 */
export function installApi(api: ParleyApi, announceReady: () => void): void {
  const w = window as unknown as { Parley?: unknown };
  const queued = Array.isArray(w.Parley) ? (w.Parley as unknown[]) : [];
  w.Parley = api;
  const isSubscription = (c: unknown) => Array.isArray(c) && (c[0] === 'on' || c[0] === 'off');
  for (const call of queued.filter(isSubscription)) run(api, call);
  announceReady();
  for (const call of queued.filter((c) => !isSubscription(c))) run(api, call);
}
