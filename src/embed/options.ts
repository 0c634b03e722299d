/**
 * `mount(options)`: the script tag's `data-*` attributes as one typed object, in camelCase
 * (`data-chat-id` is `chatId`). The object is turned back into attribute strings and checked by the
 * same `parseConfig`, so both ways of embedding accept the same values and say the same things about
 * wrong ones; only the names in the messages are the option's (`chatId: "…"`).
 */
import type { Channel } from '../transports/ws-chat/channels';
import type { TransportName } from './config';

export interface ParleyOptions {
  /** Which backend protocol the widget speaks. */
  transport: TransportName;
  /** The backend's base URL (postoffice: its WebSocket endpoint). */
  server: string;
  title?: string;
  /** A language tag (`ru`, `zh-CN`) or `auto` (the page's, then the browser's). */
  lang?: string;
  theme?: 'auto' | 'light' | 'dark';
  position?: 'left' | 'right';
  /** Open the panel at once. */
  open?: boolean;
  /**
   * Render the panel inside this element (or the element with this `#id`) instead of a floating
   * launcher.
   */
  target?: HTMLElement | string;
  /** A hex colour, `#0b57d0`. */
  accent?: string;
  /** The unread count in the page title while the panel is closed. */
  titleBadge?: boolean;
  sound?: boolean;
  maxUploadMb?: number;
  /** File types the visitor may attach, as in `<input accept>`: `image/*,.pdf`. */
  accept?: string;
  /** Shown before the conversation starts; never sent. */
  welcome?: string;
  avatar?: string;
  subtitle?: string;
  /** Up to 10 texts the visitor can send with one click. */
  suggestions?: string[];
  /** Verified identity: the visitor's id in your system, with `userHash` (README, Verified identity). */
  userId?: string;
  /** HMAC-SHA256 of `userId` with your identity secret, in hex. */
  userHash?: string;
  // ws-chat
  channel?: Channel;
  name?: string;
  channelId?: string;
  protocol?: 'auto' | 'envelope' | 'flat';
  email?: string;
  phone?: string;
  /** Values the backend receives with the conversation (ws-chat, twin, chatfaq). */
  metadata?: Record<string, string | number | boolean>;
  // twin
  chatId?: string;
  messagesServer?: string;
  socketPath?: string;
  eio?: 3 | 4;
  clientId?: string;
  operatorEvent?: string;
  // nchan
  channelPath?: string;
  // postoffice
  to?: string;
  subject?: string;
  tokenUrl?: string;
  // chatfaq
  fsm?: string;
  senderId?: string;
  token?: string;
}

/**
 * The options as the attribute strings `parseConfig` reads: booleans and numbers as written in
 * HTML, lists and objects as JSON. An element `target` is handed over separately (mount.ts).
 */
export function optionsToDataset(options: Readonly<Record<string, unknown>>): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || value === null) continue;
    if (key === 'target' && typeof value !== 'string') continue;
    if (typeof value === 'string') data[key] = value;
    else if (typeof value === 'object') data[key] = safeJson(value);
    else data[key] = String(value);
  }
  return data;
}

function safeJson(value: object): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '(unserializable)';
  }
}

const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * A configuration message about attributes, worded for options: `data-chat-id="x"` becomes
 * `chatId: "x"`, and a mention such as `data-user-id` becomes `userId`.
 */
export function asOptionMessage(line: string): string {
  return line
    .replace(
      /\bdata-([a-z][a-z0-9-]*)(=?)/g,
      (_, name: string, eq: string) => `${camel(name)}${eq ? ': ' : ''}`,
    )
    .replace('is not a Parley attribute', 'is not a Parley option');
}
