/**
 * Reads the widget's configuration from its script tag's `data-*` attributes. Every attribute has
 * an explicit default (the giscus habit); a wrong value yields one error line that names the
 * attribute, says what was wrong and shows a right value. Unknown attributes get a warning, since
 * they are usually typos of known ones.
 */
import { CHANNELS, type Channel } from '../transports/ws-chat/protocol';

export const TRANSPORTS = ['ws-chat', 'twin', 'nchan'] as const;
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
  // ws-chat
  channel: Channel;
  name?: string;
  channelId?: string;
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
  tokenUrl?: string;
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
  'channel',
  'name',
  'channelId',
  'chatId',
  'messagesServer',
  'socketPath',
  'eio',
  'clientId',
  'metadata',
  'operatorEvent',
  'channelPath',
  'tokenUrl',
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

  function url(key: string, required: boolean, example: string): string | undefined {
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
    if (u?.protocol !== 'http:' && u?.protocol !== 'https:') {
      bad(key, v, 'is not an http(s) URL', example);
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
    // No trailing slash: adapters append absolute API paths (`${server}/api/…`).
    return u.href.replace(/\/+$/, '');
  }

  for (const key of Object.keys(data)) {
    if (!KNOWN.has(key))
      warnings.push(`${attr(key)} is not a Parley attribute and is ignored (check its spelling).`);
  }

  if (!data.transport) bad('transport', undefined, '', 'ws-chat');
  const transport = oneOf('transport', TRANSPORTS, 'ws-chat');
  const server = url('server', true, 'https://chat.example.com');

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
    socketPath: '/operator/socket.io/',
    eio: 3,
    channelPath: '/chat/{id}',
  };
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$|^auto$/.test(config.lang)) {
    bad('lang', data.lang, 'is not a language tag', 'zh');
    config.lang = 'auto';
  }

  const text = (key: 'title' | 'name' | 'channelId' | 'accept' | 'clientId' | 'operatorEvent', max = 200) => {
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

  if (transport === 'twin') parseTwin(data, config, bad, url);
  if (transport === 'nchan') parseNchan(data, config, bad, url);
  return errors.length ? { ok: false, errors, warnings } : { ok: true, config, warnings };
}

function parseTwin(
  data: Dataset,
  config: ParleyConfig,
  bad: (key: string, value: string | undefined, what: string, example: string) => void,
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
  if (data.metadata) {
    const parsed = parseMetadata(data.metadata);
    if (parsed) config.metadata = parsed;
    else bad('metadata', data.metadata.slice(0, 40), 'is not a JSON object of strings', '{"plan":"pro"}');
  }
}

/** This machine: browsers let an https: page reach it over plain http: (a developer's backend). */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * Why a backend URL cannot work from this page (worded to follow the attribute's name), or null. Credentials in it would be handed to every
 * visitor, and browsers refuse them in WebSocket and fetch URLs; an http: backend from an https:
 * page is blocked as mixed content. The message never repeats the credentials.
 */
function unusableBackend(u: URL, pageUrl: string | undefined): string | null {
  if (u.username || u.password) {
    return ` holds a user name or password (${u.protocol}//…@${u.host}): a public widget cannot keep a secret, and browsers refuse such URLs. Remove them; visitors get their own token from the backend`;
  }
  let page: URL | undefined;
  try {
    page = pageUrl ? new URL(pageUrl) : undefined;
  } catch {
    page = undefined;
  }
  if (page?.protocol === 'https:' && u.protocol === 'http:' && !LOOPBACK.test(u.hostname)) {
    return `="${u.origin}" is plain http: on an https: page, which the browser blocks (mixed content). Serve the backend over https: and use https://${u.host}`;
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
  const tokenUrl = url('tokenUrl', false, '/api/chat-token');
  // url() drops trailing slashes (data-server is a base); an endpoint keeps its own (`/token/`).
  if (tokenUrl) config.tokenUrl = data.tokenUrl?.endsWith('/') ? `${tokenUrl}/` : tokenUrl;
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
