/**
 * Entry of `dist/parley.js`. Finds its own script tag, validates the `data-*` configuration and
 * mounts the widget. With a wrong configuration it prints why and mounts nothing: no launcher
 * that cannot work.
 */
import { log } from '../core/log';
import { defaultVisitorName, pickLanguage } from '../i18n';
import { createApi, installApi } from './api';
import { parseConfig } from './config';
import { mountWidget } from './mount';
import { loadTransportFactory, storageFor, storageNamespace } from './transport';

declare const __PARLEY_VERSION__: string;

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  // currentScript is null when the bundle is evaluated from a module or injected late.
  return document.querySelector<HTMLScriptElement>('script[data-transport][src*="parley"]');
}

async function start(script: HTMLScriptElement): Promise<void> {
  const result = parseConfig({ ...script.dataset }, document.baseURI);
  for (const w of result.warnings) log.warn(w);
  if (!result.ok) {
    for (const e of result.errors) log.error(e);
    return;
  }
  const { config } = result;
  let target: HTMLElement | null = null;
  if (config.target) {
    target = document.getElementById(config.target.slice(1));
    if (!target) {
      const id = config.target.slice(1);
      log.error(
        `data-target="${config.target}" matches no element; add <div id="${id}"></div> or remove data-target`,
      );
      return;
    }
  }
  const lang = pickLanguage(config.lang, document.documentElement.lang, navigator.languages ?? []);
  const storage = storageFor(config);
  const metadata: Record<string, string> = { ...config.metadata };
  let widget: ReturnType<typeof mountWidget>;
  try {
    const name = config.name ?? defaultVisitorName(lang);
    // Tab sharing loads beside the adapter (its own chunk in the split build).
    const [create, { shareAcrossTabs }] = await Promise.all([
      loadTransportFactory(config, { name, storage, metadata }),
      import('./tabs'),
    ]);
    const shared = shareAcrossTabs(storageNamespace(config), create, target !== null);
    widget = mountWidget(config, target, {
      lang,
      transport: shared.transport,
      storage,
      metadata,
      ...(shared.peers ? { tabs: shared.peers } : {}),
      onDestroyed: shared.close,
    });
  } catch (err) {
    log.error('could not start the widget:', err);
    return;
  }
  const api = createApi(
    widget,
    widget.events,
    typeof __PARLEY_VERSION__ === 'string' ? __PARLEY_VERSION__ : 'dev',
  );
  installApi(api, () => widget.events.emit('ready', undefined));
}

const script = findScript();
if (script) {
  if (document.body) void start(script);
  else document.addEventListener('DOMContentLoaded', () => void start(script), { once: true });
} else {
  log.error(
    'could not find its <script> tag; load it with <script src=".../parley.js" data-transport="ws-chat" data-server="https://…">',
  );
}
