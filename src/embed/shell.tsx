/**
 * What the first script does for one widget: the shadow root with the launcher's stylesheet, the
 * launcher and its unread badge, and `window.Parley`'s instance. The rest (store, adapter, panel,
 * a non-English catalogue) loads as further files, in parallel: at idle, so that the first open is
 * as fast as with one file, or at once when the visitor opens the chat, the page calls the API, or
 * a conversation is under way (its replies should arrive while the panel is closed).
 *
 * Styles go in through constructable stylesheets, so a strict `style-src` CSP keeps working and
 * neither the page's CSS nor ours crosses the shadow boundary (custom properties do, on purpose).
 */
import { signal } from '@preact/signals';
import { render } from 'preact';
import { Emitter } from '../core/emitter';
import { log } from '../core/log';
import { loadCatalogue, pickLanguage, translator } from '../i18n/first';
import { hasStoredConversation } from '../store/stored-keys';
import css from '../theme/sheet-launcher.css?inline';
import type { LauncherState } from '../ui/Launcher';
import { Widget } from '../ui/Widget';
import type { ParleyEvents, ParleyInstance } from './api';
import type { App } from './app';
import { type ParleyConfig, parseMetadata } from './config';
import { whenIdle } from './idle';
import { storageFor, storageNamespace } from './transport';
import { TRANSPORT_REGISTRY } from './transport-registry';

/** One widget for one visitor; `Parley.identify` replaces it with another (see index.ts). */
export interface MountedWidget extends Omit<ParleyInstance, 'identify' | 'hide' | 'show'> {
  readonly events: Emitter<ParleyEvents>;
  readonly host: HTMLElement;
  isOpen(): boolean;
}

/** `pageEvents`: the page's subscriptions, kept across a change of visitor (destroy leaves them). */
export function mountWidget(
  config: ParleyConfig,
  target: HTMLElement | null,
  pageEvents?: Emitter<ParleyEvents>,
): MountedWidget {
  const lang = pickLanguage(config.lang, document.documentElement.lang, navigator.languages ?? []);
  let t = translator(lang);
  const storage = storageFor(config);
  const metadata: Record<string, string> = { ...config.metadata };
  const events = pageEvents ?? new Emitter<ParleyEvents>();

  const host = target ?? document.body.appendChild(document.createElement('div'));
  host.setAttribute('data-parley', config.transport);
  const shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  shadow.adoptedStyleSheets = [sheet];

  // The launcher's state until the store exists; then the store's own signals take over.
  const isOpen = signal(false);
  const unread = signal(0);
  const early: LauncherState = {
    isOpen,
    unread,
    setOpen(open) {
      isOpen.value = open;
      if (open) void start();
    },
  };

  let app: App | null = null;
  let loading: Promise<App> | null = null;
  let destroyed = false;

  const draw = () =>
    render(
      <Widget
        store={app?.store ?? early}
        t={t}
        options={{
          title: config.title ?? t('defaultTitle'),
          position: config.position,
          inline: target !== null,
          theme: config.theme,
          ...(config.accent ? { accent: config.accent } : {}),
        }}
        panel={app?.panel ?? null}
      />,
      shadow,
    );

  async function load(): Promise<App> {
    const [{ createApp }, { createTransport }, catalogues, attention] = await Promise.all([
      import('./app'),
      TRANSPORT_REGISTRY[config.transport].load(),
      loadCatalogue(lang),
      // Only a page that asked for a title badge or a chime needs it from the start (app.tsx).
      config.titleBadge || config.sound ? import('./attention') : undefined,
    ]);
    t = translator(lang, catalogues);
    const context = { name: config.name ?? t('visitor'), storage, metadata };
    return createApp({
      config,
      createTransport: () => createTransport(config, context),
      namespace: storageNamespace(config),
      storage,
      t,
      title: config.title ?? t('defaultTitle'),
      host,
      shadow,
      events,
      open: () => isOpen.value,
      inline: target !== null,
      attention,
    });
  }

  /** Loads the rest once; a failed load is reported and tried again on the next call. */
  function start(): Promise<App> {
    loading ??= load().then(
      (loaded) => {
        if (destroyed) loaded.dispose();
        else {
          app = loaded;
          // A click on the launcher while createApp waited (for the other tabs, a lock) counts too.
          if (isOpen.peek()) loaded.store.setOpen(true);
          draw();
        }
        return loaded;
      },
      (err: unknown) => {
        loading = null;
        isOpen.value = false;
        log.error(
          `could not load the chat (${err instanceof Error ? err.message : String(err)}). The parley-*.js files must be reachable next to parley.js and allowed by the page's script-src.`,
        );
        throw err;
      },
    );
    return loading;
  }
  /** Runs `fn` on the loaded app: at once when it is there (keeping a click's user activation). */
  const withApp = async <R,>(fn: (a: App) => R): Promise<Awaited<R>> => await fn(app ?? (await start()));
  const later = (fn: (a: App) => void) => void withApp(fn).catch(() => {});

  draw();
  if (lang !== 'en')
    void loadCatalogue(lang).then(
      (catalogues) => {
        if (app || destroyed) return;
        t = translator(lang, catalogues);
        draw();
      },
      () => {},
    );
  const startQuietly = () => void start().catch(() => {});
  let cancelIdle = () => {};
  if (config.open || target || hasStoredConversation(storage)) startQuietly();
  else cancelIdle = whenIdle(startQuietly);

  return {
    events,
    host,
    isOpen: () => (app?.store ?? early).isOpen.value,
    open: () => (app?.store ?? early).setOpen(true),
    close: () => (app?.store ?? early).setOpen(false),
    toggle: () => {
      const state = app?.store ?? early;
      state.setOpen(!state.isOpen.value);
    },
    send: (text) => later((a) => a.send(text)),
    clear: () => later((a) => a.logout()),
    logout: () => later((a) => a.logout()),
    enableNotifications: () => withApp((a) => a.enableNotifications()).catch(() => false),
    setMetadata: (values) => {
      const parsed = parseMetadata(JSON.stringify(values ?? null));
      if (parsed) Object.assign(metadata, parsed);
      else log.error('Parley.setMetadata(values) takes an object of strings, e.g. {"plan":"pro"}');
    },
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      cancelIdle();
      render(null, shadow);
      app?.dispose();
      if (target) shadow.adoptedStyleSheets = [];
      else host.remove();
      if (!pageEvents) events.clear();
    },
  };
}
