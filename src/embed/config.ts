/**
 * Reads the widget's configuration from its script tag's `data-*` attributes. Every attribute has
 * an explicit default (the giscus habit); a wrong value yields one error line that names the
 * attribute, says what was wrong and shows a right value. Unknown attributes get a warning, since
 * they are usually typos of known ones.
 */

import { CHANNELS, type Channel } from '../transports/ws-chat/channels';
import { USER_HASH } from './identity';

export const TRANSPORTS = ['ws-chat', 'twin', 'nchan', 'postoffice', 'chatfaq'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

export interface ParleyConfig {
  transport: TransportName;
  server: string;
  title?: string;
  lang: string;
  theme: 'auto' | 'light' | 'dark';
  position: 'left' | 'right';
  open: boolean;
  target?: string;
  accent?: string;
  titleBadge: boolean;
  sound: boolean;
  maxUploadMb: number;
  accept?: string;
  // welcome state: shown before the conversation starts, never sent to the backend
  welcome?: string;
  avatar?: string;
  subtitle?: string;
  suggestions?: string[];
  /** Verified identity (`data-user-id`, `data-user-hash`, or `Parley.identify`). */
  userId?: string;
  /** HMAC-SHA256 of `userId` with the site's secret, hex: the backend checks it. */
  userHash?: string;
  /** Only through `Parley.identify({email})`. */
  userEmail?: string;
  // ws-chat
  channel: Channel;
  name?: string;
  channelId?: string;
  protocol: 'auto' | 'envelope' | 'flat';
  email?: string;
  phone?: string;
  // twin
  chatId?: string;
  messagesServer?: string;
  socketPath: string;
  eio: 3 | 4;
  clientId?: string;
  metadata?: Record<string, string>;
  operatorEvent?: string;
  // nchan
  channelPath: string;
  // postoffice (clientId above is the visitor's mailbox)
  to?: string;
  subject?: string;
  tokenUrl?: string;
  // chatfaq
  fsm?: string;
  senderId?: string;
  /** Never printed: config errors about it name the attribute, not the value. */
  token?: string;
}

export type ConfigResult =
  | { ok: true; config: ParleyConfig; warnings: string[] }
  | { ok: false; errors: string[]; warnings: string[] };

/** Attribute name in the page (`data-chat-id`) for a dataset key (`chatId`). */
export const attr = (key: string) => `data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

const KNOWN = new Set([
  'transport',
  'server',
  'title',
  'lang',
  'theme',
  'position',
  'open',
  'target',
  'accent',
  'titleBadge',
  'sound',
  'maxUploadMb',
  'accept',
  'welcome',
  'avatar',
  'subtitle',
  'suggestions',
  'channel',
  'name',
  'channelId',
  'protocol',
  'email',
  'phone',
  'chatId',
  'messagesServer',
  'socketPath',
  'eio',
  'clientId',
  'userId',
  'userHash',
  'metadata',
  'operatorEvent',
  'channelPath',
  'to',
  'subject',
  'tokenUrl',
  'fsm',
  'senderId',
  'token',
]);

type Dataset = Readonly<Record<string, string | undefined>>;

export function parseConfig(data: Dataset, baseUrl?: string): ConfigResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const bad = (key: string, value: string | undefined, what: string, example: string) =>
    errors.push(
      `${attr(key)}${value === undefined ? ' is missing' : `="${value}" ${what}`}. Example: ${attr(key)}="${example}"`,
    );

  function oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T, example = fallback): T {
    const v = data[key];
    if (v === undefined || v === '') return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    bad(key, v, `is not one of ${allowed.join(', ')}`, example);
    return fallback;
  }

  function bool(key: string, fallback: boolean): boolean {
    const v = data[key];
    if (v === undefined || v === '') return fallback;
    if (v === 'true' || v === 'false') return v === 'true';
    bad(key, v, 'must be true or false', String(!fallback));
    return fallback;
  }

  /** `socket`: a socket endpoint (postoffice), ws(s) allowed and its path kept as written. */
  function url(key: string, required: boolean, example: string, socket = false): string | undefined {
    const v = data[key];
    if (v === undefined || v === '') {
      if (required) bad(key, undefined, '', example);
      return undefined;
    }
    let u: URL | undefined;
    try {
      u = new URL(v, baseUrl);
    } catch {
      // reported below
    }
    if (!u || !(socket ? /^(wss?|https?):$/ : /^https?:$/).test(u.protocol)) {
      bad(key, v, `is not ${socket ? 'a ws(s) or http(s)' : 'an http(s)'} URL`, example);
      return undefined;
    }
    // Both would only ever show "Reconnecting…": say why instead, once, and start nothing.
    const why = unusableBackend(u, baseUrl);
    if (why) {
      errors.push(`${attr(key)}${why}. Example: ${attr(key)}="${example}"`);
      return undefined;
    }
    // `chat.example.com` without a scheme is a path on this page's site: allowed (a same-origin
    // backend at `/chat` is real), but a host name there is almost always a forgotten `https://`.
    if (!/^[a-z][a-z\d+.-]*:|^\/\//i.test(v) && /^[\w-]+(\.[\w-]+)+(:\d+)?(\/|$)/.test(v)) {
      warnings.push(
        `${attr(key)}="${v}" has no scheme, so it resolves against this page (${u.href}); if ${v.split('/')[0]} is a host, write ${attr(key)}="https://${v}"`,
      );
    }
    // No trailing slash: adapters append absolute API paths (`${server}/api/…`). A socket endpoint
    // is used as it is, so its path stays as written (a router may serve `/ws/`, not `/ws`).
    return socket ? u.href : u.href.replace(/\/+$/, '');
  }

  for (const key of Object.keys(data)) {
    if (!KNOWN.has(key))
      warnings.push(`${attr(key)} is not a Parley attribute and is ignored (check its spelling).`);
  }

  if (!data.transport) bad('transport', undefined, '', 'ws-chat');
  const transport = oneOf('transport', TRANSPORTS, 'ws-chat');
  const server =
    transport === 'postoffice'
      ? url('server', true, 'wss://router.example.com/ws', true)
      : url('server', true, 'https://chat.example.com');

  const config: ParleyConfig = {
    transport,
    server: server ?? '',
    lang: data.lang?.trim() || 'auto',
    theme: oneOf('theme', ['auto', 'light', 'dark'] as const, 'auto', 'dark'),
    position: oneOf('position', ['right', 'left'] as const, 'right', 'left'),
    open: bool('open', false),
    titleBadge: bool('titleBadge', false),
    sound: bool('sound', false),
    maxUploadMb: 10,
    channel: oneOf('channel', CHANNELS, 'WEB', 'APP'),
    protocol: oneOf('protocol', ['auto', 'envelope', 'flat'] as const, 'auto', 'envelope'),
    socketPath: '/operator/socket.io/',
    eio: 3,
    channelPath: '/chat/{id}',
  };
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$|^auto$/.test(config.lang)) {
    bad('lang', data.lang, 'is not a language tag', 'zh');
    config.lang = 'auto';
  }

  const text = (
    key:
      | 'title'
      | 'name'
      | 'channelId'
      | 'accept'
      | 'clientId'
      | 'operatorEvent'
      | 'userId'
      | 'welcome'
      | 'subtitle',
    max = 200,
  ) => {
    const v = data[key]?.trim();
    if (!v) return;
    if (v.length > max)
      return void bad(key, `${v.slice(0, 20)}…`, `is longer than ${max} characters`, 'Support');
    config[key] = v;
  };
  text('title');
  text('name');
  text('channelId');
  text('accept');
  text('clientId');
  text('operatorEvent', 100);
  text('welcome', 1000);
  text('subtitle', 100);
  const avatar = url('avatar', false, 'https://example.com/team.png');
  if (avatar) config.avatar = avatar;
  if (data.suggestions?.trim()) {
    const list = parseSuggestions(data.suggestions);
    if (list) config.suggestions = list;
    else
      bad(
        'suggestions',
        data.suggestions.slice(0, 40),
        'is not a JSON list of up to 10 texts (200 characters each)',
        '["Where is my order?","Talk to a person"]',
      );
  }
  text('userId');
  const hash = data.userHash?.trim();
  if (hash && !USER_HASH.test(hash))
    bad('userHash', `${hash.slice(0, 12)}…`, 'is not a hex HMAC-SHA256 (64 characters)', '3f2a…(64 hex)');
  else if (hash && !config.userId)
    errors.push('data-user-hash needs data-user-id: the hash signs that id. Example: data-user-id="42"');
  else if (hash) config.userHash = hash.toLowerCase();
  if (config.userId && !hash)
    warnings.push(
      'data-user-id without data-user-hash: anyone knowing the id can take the conversation; sign it (README, Verified identity)',
    );
  if (config.userId && config.clientId)
    bad('clientId', config.clientId, 'and data-user-id both name the visitor; keep data-user-id', '');

  const email = data.email?.trim();
  if (email) {
    if (email.length <= 200 && /^[^\s@]+@[^\s@]+$/.test(email)) config.email = email;
    else bad('email', email.slice(0, 40), 'is not an e-mail address', 'ann@example.com');
  }
  const phone = data.phone?.trim();
  if (phone) {
    if (/^\+?[\d\s().-]{3,30}$/.test(phone)) config.phone = phone;
    else bad('phone', phone.slice(0, 40), 'is not a phone number', '+44 20 7946 0000');
  }
  if (data.target) {
    if (!data.target.startsWith('#') || data.target.length < 2)
      bad('target', data.target, 'must be an element id', '#chat');
    else config.target = data.target;
  }
  if (data.accent) {
    if (/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(data.accent)) config.accent = data.accent;
    else bad('accent', data.accent, 'is not a hex colour', '#0b57d0');
  }
  if (data.maxUploadMb) {
    const mb = Number(data.maxUploadMb);
    if (Number.isFinite(mb) && mb > 0 && mb <= 1024) config.maxUploadMb = mb;
    else bad('maxUploadMb', data.maxUploadMb, 'is not a size in megabytes between 0 and 1024', '10');
  }

  if (transport === 'ws-chat') readMetadata(data, config, bad);
  if (transport === 'twin') parseTwin(data, config, bad, url);
  if (transport === 'nchan') parseNchan(data, config, bad, url);
  if (transport === 'postoffice') parsePostoffice(data, config, bad, url);
  if (transport === 'chatfaq') parseChatfaq(data, config, bad, (m) => errors.push(m));
  return errors.length ? { ok: false, errors, warnings } : { ok: true, config, warnings };
}

type Bad = (key: string, value: string | undefined, what: string, example: string) => void;

function parseTwin(
  data: Dataset,
  config: ParleyConfig,
  bad: Bad,
  url: (key: string, required: boolean, example: string) => string | undefined,
): void {
  const chatId = data.chatId?.trim();
  if (!chatId) bad('chatId', undefined, '', '3eb5cf6d-4d20-41c2-b886-f60374d11d19');
  else if (!/^[\w-]{1,100}$/.test(chatId))
    bad('chatId', chatId, 'is not a chat id', '3eb5cf6d-4d20-41c2-b886-f60374d11d19');
  else config.chatId = chatId;

  const messages = url('messagesServer', false, 'https://chats-api.example.com');
  if (messages) config.messagesServer = messages;

  const path = data.socketPath;
  if (path) {
    if (/^\/[\w\-./]*$/.test(path)) config.socketPath = path.endsWith('/') ? path : `${path}/`;
    else bad('socketPath', path, 'must be a path starting with /', '/operator/socket.io/');
  }
  if (data.eio) {
    if (data.eio === '3' || data.eio === '4') config.eio = Number(data.eio) as 3 | 4;
    else bad('eio', data.eio, 'must be 3 (Socket.IO 2.x servers) or 4 (Socket.IO 3/4)', '3');
  }
  readMetadata(data, config, bad);
}

function readMetadata(data: Dataset, config: ParleyConfig, bad: Bad): void {
  if (!data.metadata) return;
  const parsed = parseMetadata(data.metadata);
  if (parsed) config.metadata = parsed;
  else bad('metadata', data.metadata.slice(0, 40), 'is not a JSON object of strings', '{"plan":"pro"}');
}

/** ChatFAQ path segments match `[\w-]+` upstream; anything else could not reach the consumer. */
const SEGMENT = /^[\w-]{1,200}$/;

function parseChatfaq(data: Dataset, config: ParleyConfig, bad: Bad, error: (line: string) => void): void {
  const fsm = data.fsm?.trim();
  if (!fsm) bad('fsm', undefined, '', 'my_fsm');
  else if (!SEGMENT.test(fsm))
    bad('fsm', fsm.slice(0, 40), 'is not an FSM name (letters, digits, _ and -)', 'my_fsm');
  else config.fsm = fsm;
  const sender = data.senderId?.trim();
  if (sender) {
    if (SEGMENT.test(sender)) config.senderId = sender;
    else bad('senderId', sender.slice(0, 40), 'may hold only letters, digits, _ and -', 'user_42');
  }
  const token = data.token?.trim();
  if (token) {
    // The value is a credential: the message names the attribute and the rule, never the value.
    if (token.length <= 4096 && !/\s/.test(token)) config.token = token;
    else
      error(
        `${attr('token')} is not a usable token (no spaces, at most 4096 characters). Copy it again from ChatFAQ.`,
      );
  }
  readMetadata(data, config, bad);
}

/** This machine: browsers let an https: page reach it over plain http: (a developer's backend). */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * Why a backend URL cannot work from this page (worded to follow the attribute's name), or null.
 * Credentials in it would be handed to every visitor, and browsers refuse them in WebSocket and
 * fetch URLs; an http: backend from an https: page is blocked as mixed content. The message never
 * repeats the credentials.
 */
function unusableBackend(u: URL, pageUrl: string | undefined): string | null {
  if (u.username || u.password) {
    return ` holds a user name or password (${u.protocol}//…@${u.host}): a public page cannot keep a secret and browsers refuse such URLs; remove it`;
  }
  let page: URL | undefined;
  try {
    page = pageUrl ? new URL(pageUrl) : undefined;
  } catch {
    page = undefined;
  }
  const plain = u.protocol === 'http:' || u.protocol === 'ws:'; // ws: for a postoffice router
  if (page?.protocol === 'https:' && plain && !LOOPBACK.test(u.hostname)) {
    const secure = u.protocol === 'ws:' ? 'wss' : 'https';
    return `="${u.protocol}//${u.host}" is plain ${u.protocol} on an https: page, which the browser blocks (mixed content). Serve the backend over ${secure}: and use ${secure}://${u.host}`;
  }
  return null;
}

function parseNchan(
  data: Dataset,
  config: ParleyConfig,
  bad: (key: string, value: string | undefined, what: string, example: string) => void,
  url: (key: string, required: boolean, example: string) => string | undefined,
): void {
  const path = data.channelPath?.trim();
  if (path) {
    // One `{id}` (the conversation), URL-safe path characters only: it is appended to data-server.
    if (/^\/[\w\-./~{}]*$/.test(path) && path.split('{id}').length === 2) config.channelPath = path;
    else bad('channelPath', path, 'must be a path starting with / holding {id} once', '/chat/{id}');
  }
  parseTokenUrl(data, config, url);
}

/** `data-token-url` (nchan, postoffice): the site's own endpoint that hands the widget a token. */
function parseTokenUrl(
  data: Dataset,
  config: ParleyConfig,
  url: (key: string, required: boolean, example: string) => string | undefined,
): void {
  const tokenUrl = url('tokenUrl', false, '/api/chat-token');
  // url() drops trailing slashes (data-server is a base); an endpoint keeps its own (`/token/`).
  if (tokenUrl) config.tokenUrl = data.tokenUrl?.endsWith('/') ? `${tokenUrl}/` : tokenUrl;
}

/** `data-suggestions`: a JSON list of 1 to 10 non-empty strings of at most 200 characters, or null. */
export function parseSuggestions(raw: string): string[] | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > 10) return null;
  const out = value.map((v) => (typeof v === 'string' ? v.trim() : ''));
  return out.every((v) => v.length > 0 && v.length <= 200) ? out : null;
}

/** Mailbox addresses: `user_123456`, `/service/acme/weather_1`; no spaces, no control characters. */
const MAILBOX = /^[\w:/.@+-]{1,200}$/;

function parsePostoffice(
  data: Dataset,
  config: ParleyConfig,
  bad: (key: string, value: string | undefined, what: string, example: string) => void,
  url: (key: string, required: boolean, example: string) => string | undefined,
): void {
  const to = data.to?.trim();
  if (!to) bad('to', undefined, '', '/service/acme/support_bot');
  else if (!MAILBOX.test(to)) bad('to', to, 'is not a mailbox address', '/service/acme/support_bot');
  else config.to = to;
  if (config.clientId && !MAILBOX.test(config.clientId)) {
    bad('clientId', config.clientId, 'is not a mailbox address', 'user_123456');
    delete config.clientId;
  }
  const subject = data.subject?.trim();
  if (subject && subject.length > 200) bad('subject', `${subject.slice(0, 20)}…`, 'is too long', 'chat');
  config.subject = subject || 'chat';
  parseTokenUrl(data, config, url);
}

/** `clientMetadata` is documented as string values; numbers and booleans are turned into strings. */
export function parseMetadata(raw: string): Record<string, string> | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else return null;
  }
  return out;
}
