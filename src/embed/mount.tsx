/**
 * Creates one widget: storage, adapter, store and the Preact tree inside an open shadow root.
 * Styles go in through a constructable stylesheet, so a strict `style-src` CSP keeps working and
 * neither the page's CSS nor ours crosses the shadow boundary (custom properties do, on purpose).
 */
import { render } from 'preact';
import { Emitter } from '../core/emitter';
import { log } from '../core/log';
import type { KeyValueStore } from '../core/storage';
import { createTranslator, type Lang } from '../i18n';
import { createChatStore } from '../store/chat-store';
import type { TabPeers } from '../store/tab-sync';
import type { ChatMessage } from '../store/types';
import { parseAccept } from '../store/uploads';
import css from '../theme/widget.css?inline';
import type { Transport } from '../transports/types';
import { Widget } from '../ui/Widget';
import type { ParleyEvents, ParleyInstance } from './api';
import { createAttention } from './attention';
import { type ParleyConfig, parseMetadata } from './config';
import { hintWhenUnreachable } from './reachability';
import { followVisualViewport } from './viewport';

export interface MountedWidget extends ParleyInstance {
  readonly events: Emitter<ParleyEvents>;
  readonly host: HTMLElement;
}

/** What the host page sees of a message: plain data, no internals. */
const publicMessage = (m: ChatMessage) => ({
  id: m.id,
  clientId: m.clientId,
  text: m.text,
  at: m.at,
  direction: m.direction,
  author: m.author,
  state: m.state,
});

/** What the entry prepared before mounting: the adapter is loaded through the transport registry. */
export interface MountParts {
  lang: Lang;
  transport: Transport;
  storage: KeyValueStore;
  /** The object the adapter reads metadata from; `Parley.setMetadata()` adds to it. */
  metadata: Record<string, string>;
  /** The other tabs of the site (embed/tabs.ts), when they can coordinate. */
  tabs?: TabPeers;
  /** Runs after `destroy()` disposed the store (tab sharing hands the connection over). */
  onDestroyed?: () => void;
}

export function mountWidget(
  config: ParleyConfig,
  target: HTMLElement | null,
  parts: MountParts,
): MountedWidget {
  const { lang, transport, storage, metadata } = parts;
  const t = createTranslator(lang);
  const backendAccept = transport.capabilities.uploads ? (transport.capabilities.uploads.accept ?? []) : [];
  const store = createChatStore({
    transport,
    storage,
    uploadLimits: {
      maxBytes: config.maxUploadMb * 1024 * 1024,
      accept: config.accept ? parseAccept(config.accept) : backendAccept,
    },
    ...(parts.tabs ? { tabs: parts.tabs } : {}),
  });
  const events = new Emitter<ParleyEvents>();

  const host = target ?? document.body.appendChild(document.createElement('div'));
  host.setAttribute('data-parley', config.transport);
  const shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  shadow.adoptedStyleSheets = [sheet];

  // Connect lazily: a page view that never opens the chat creates no customer on the backend.
  // A visitor with a conversation under way is connected at once, so replies arrive while closed.
  // After a logout the store forgets that it was connected (a new visitor is created only when needed).
  const ensureConnected = () => {
    if (!store.wantsConnection()) store.connect();
  };
  if (store.messages.value.length > 0 || config.open || target) ensureConnected();

  const unsubscribe = [
    store.events.on('message', (m) => events.emit('message', publicMessage(m))),
    store.events.on('sent', (m) => events.emit('sent', publicMessage(m))),
    store.events.on('status', (s) => events.emit('status', s)),
    store.events.on('error', (e) => events.emit('error', e)),
    store.events.on('open', () => {
      ensureConnected();
      events.emit('open', undefined);
    }),
    store.events.on('close', () => events.emit('close', undefined)),
    hintWhenUnreachable((fn) => store.events.on('status', fn), config.server),
  ];

  render(
    <Widget
      store={store}
      t={t}
      options={{
        title: config.title ?? t('defaultTitle'),
        position: config.position,
        inline: target !== null,
        theme: config.theme,
        ...(config.accent ? { accent: config.accent } : {}),
      }}
    />,
    shadow,
  );
  if (config.open) store.setOpen(true);
  const title = config.title ?? t('defaultTitle');
  const attention = createAttention(store, { titleBadge: config.titleBadge, sound: config.sound, title });
  const stopViewport = followVisualViewport(host);

  let destroyed = false;
  return {
    events,
    host,
    open: () => store.setOpen(true),
    close: () => store.setOpen(false),
    toggle: () => store.setOpen(!store.isOpen.value),
    send: (text) => {
      ensureConnected();
      store.send(text);
    },
    clear: () => store.logout(),
    logout: () => store.logout(),
    enableNotifications: () => attention.enableNotifications(),
    setMetadata: (values) => {
      const parsed = parseMetadata(JSON.stringify(values ?? null));
      if (parsed) Object.assign(metadata, parsed);
      else log.error('Parley.setMetadata(values) takes an object of strings, e.g. {"plan":"pro"}');
    },
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      for (const u of unsubscribe) u();
      attention.dispose();
      stopViewport();
      render(null, shadow);
      store.dispose();
      parts.onDestroyed?.();
      if (target) shadow.adoptedStyleSheets = [];
      else host.remove();
      events.clear();
    },
  };
}
