/**
 * The part of the widget that follows the launcher (a file of its own in the split build): the
 * store over the loaded adapter, the panel and its stylesheet, the page-attention features, and the
 * store events the host page hears. `shell.tsx` loads it at idle, or at once when it is needed.
 */
import { effect } from '@preact/signals';
import type { Emitter } from '../core/emitter';
import { log } from '../core/log';
import type { KeyValueStore } from '../core/storage';
import type { Translate } from '../i18n';
import { createChatStore } from '../store/chat-store';
import type { ChatMessage } from '../store/types';
import { parseAccept } from '../store/uploads';
import css from '../theme/sheet-panel.css?inline';
import type { Transport } from '../transports/types';
import { ChatPanel } from '../ui/ChatPanel';
import type { PanelSlotProps } from '../ui/Widget';
import type { ParleyEvents, ParleyMessage } from './api';
import type { createAttention } from './attention';
import type { ParleyConfig } from './config';
import { whenIdle } from './idle';
import { hintWhenUnreachable } from './reachability';
import { shareAcrossTabs } from './tabs';
import { followVisualViewport } from './viewport';

export interface AppParts {
  config: ParleyConfig;
  /** Builds the adapter (tab sharing builds one each time this tab takes the lead). */
  createTransport: () => Transport;
  /** The storage namespace: tabs with the same one share a connection (embed/tabs.ts). */
  namespace: string;
  storage: KeyValueStore;
  t: Translate;
  title: string;
  host: HTMLElement;
  shadow: ShadowRoot;
  events: Emitter<ParleyEvents>;
  /**
   * Whether the visitor (or the page) opened the launcher before this code arrived. Read once the
   * store exists: the tab-sharing code may still be loading when createApp starts, and an open()
   * made meanwhile must not be lost.
   */
  open: () => boolean;
  /** The panel lives in a page element (`data-target`, or an element given to `mount()`). */
  inline: boolean;
  /**
   * The page-attention code (attention.ts), when the page asked for a title badge or a chime:
   * shell.tsx loads it beside this file. Otherwise it loads when the page enables notifications.
   */
  attention?: { createAttention: typeof createAttention } | undefined;
}

export type App = Awaited<ReturnType<typeof createApp>>;

/** What the host page sees of a message: plain data, no internals. */
const publicMessage = (m: ChatMessage): ParleyMessage => ({
  id: m.id,
  clientId: m.clientId,
  text: m.text,
  at: m.at,
  direction: m.direction,
  author: m.author,
  state: m.state,
});

/**
 * The next animation frame, or 100 ms in a tab that is hidden (where frames do not come): incoming
 * messages are applied once per frame, so a burst costs one render and one save.
 */
function nextFrame(fn: () => void): void {
  const timer = setTimeout(() => {
    cancelAnimationFrame(frame);
    fn();
  }, 100);
  const frame = requestAnimationFrame(() => {
    clearTimeout(timer);
    fn();
  });
}

export async function createApp(parts: AppParts) {
  const { config, storage, t, title, host, shadow, events } = parts;
  // One connection for all the tabs of the site showing this visitor.
  const shared = await shareAcrossTabs(parts.namespace, parts.createTransport, Boolean(config.target));
  const { transport } = shared;
  const backendAccept = transport.capabilities.uploads ? (transport.capabilities.uploads.accept ?? []) : [];
  const store = createChatStore({
    transport,
    storage,
    schedule: nextFrame,
    uploadLimits: {
      maxBytes: config.maxUploadMb * 1024 * 1024,
      accept: config.accept ? parseAccept(config.accept) : backendAccept,
    },
  });
  shared.attach(store);

  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];

  // Connect lazily: a page view that never opens the chat creates no customer on the backend.
  // A visitor with a conversation under way is connected at once, so replies arrive while closed.
  // After a logout the store forgets it was connected: a new visitor is created only when needed.
  const ensureConnected = () => {
    if (!store.wantsConnection()) store.connect();
  };
  if (store.messages.value.length > 0 || config.open || parts.inline) ensureConnected();

  let lastUnread = 0;
  let olderPrefetched = false;
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
    // The count the launcher's badge shows, each time it changes.
    effect(() => {
      const count = store.unread.value;
      if (count !== lastUnread) events.emit('unread', count);
      lastUnread = count;
    }),
    hintWhenUnreachable((fn) => store.events.on('status', fn), config.server),
    // A resumed conversation's panel opened: the code that brings older messages, at a quiet moment,
    // so that scrolling up waits for the history only.
    effect(() => {
      if (store.isOpen.value && store.olderResumed.value && !olderPrefetched) {
        olderPrefetched = true;
        whenIdle(store.prefetchOlder);
      }
    }),
  ];
  if (parts.open()) store.setOpen(true);
  // Only what the page set: the welcome state is shown, never sent or stored.
  const welcome = {
    ...(config.welcome ? { welcome: config.welcome } : {}),
    ...(config.avatar ? { avatar: config.avatar } : {}),
    ...(config.subtitle ? { subtitle: config.subtitle } : {}),
    ...(config.suggestions ? { suggestions: config.suggestions } : {}),
  };
  const attentionOptions = { titleBadge: config.titleBadge, sound: config.sound, title };
  type Attention = ReturnType<typeof createAttention>;
  let attention: Attention | Promise<Attention> | undefined = parts.attention?.createAttention(
    store,
    attentionOptions,
  );
  let disposed = false;
  /** The attention code, loaded now if the page did not ask for it from the start (see AppParts). */
  const withAttention = () =>
    (attention ??= import('./attention').then(
      ({ createAttention }) => {
        const made = createAttention(store, attentionOptions);
        if (disposed) made.dispose();
        attention = made;
        return made;
      },
      (err: unknown) => {
        attention = undefined;
        throw err;
      },
    ));
  const stopViewport = followVisualViewport(host);

  return {
    store,
    panel: (slot: PanelSlotProps) => (
      <ChatPanel store={store} t={t} title={title} welcome={welcome} {...slot} />
    ),
    send: (text: string) => {
      ensureConnected();
      store.send(text);
    },
    logout: () => store.logout(),
    enableNotifications: async () => {
      // Asked now, in the page's click (browsers grant it only to a user gesture), while the code
      // that shows notifications may still be on its way.
      const N = (globalThis as { Notification?: typeof Notification }).Notification;
      const asked = N?.permission === 'default' ? N.requestPermission() : undefined;
      try {
        return await (await withAttention()).enableNotifications(asked);
      } catch (err) {
        log.error(`could not enable notifications (${err instanceof Error ? err.message : String(err)})`);
        return false;
      }
    },
    /** Leaves the shadow root to the shell, which unmounts the tree and removes the host. */
    dispose(): void {
      disposed = true;
      for (const u of unsubscribe) u();
      if (attention && !('then' in attention)) attention.dispose();
      stopViewport();
      store.dispose();
      shared.close();
      shadow.adoptedStyleSheets = shadow.adoptedStyleSheets.filter((s) => s !== sheet);
    },
  };
}
