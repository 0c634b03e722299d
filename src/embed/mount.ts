/**
 * `mount(options)`: the npm package's way in. The same widget, checks and handle as the script tag,
 * without a script tag: each call mounts one more widget and returns its own handle (no
 * `window.Parley`). Nothing runs at import time, so importing in Node (SSR) is harmless.
 */
import { log } from '../core/log';
import type { ParleyApi } from './api';
import { parseConfig } from './config';
import { startInstance } from './instance';
import { asOptionMessage, optionsToDataset, type ParleyOptions } from './options';

/** What `mount()` returns: the same methods and events as `window.Parley`. */
export type Parley = Omit<ParleyApi, 'push'>;

/** Thrown by `mount()` for options the widget cannot start with; `problems` has one line each. */
export class ParleyOptionsError extends Error {
  override readonly name = 'ParleyOptionsError';
  constructor(readonly problems: readonly string[]) {
    super(`[parley] mount(): ${problems.join(' ')}`);
  }
}

/**
 * Mounts a widget and returns its handle. Throws `ParleyOptionsError` for wrong options (the same
 * checks and words as the `data-*` attributes) and an Error outside a browser; warnings (an unknown
 * option, a URL without a scheme) go to the console with the `[parley]` prefix.
 */
export function mount(options: ParleyOptions): Parley {
  if (typeof document === 'undefined' || typeof window === 'undefined') {
    throw new Error('[parley] mount() needs a browser page: call it on the client (after hydration)');
  }
  if (typeof options !== 'object' || options === null) {
    throw new ParleyOptionsError([
      'mount(options) takes an object, e.g. mount({transport: "ws-chat", server: "https://chat.example.com"})',
    ]);
  }
  const result = parseConfig(
    optionsToDataset(options as unknown as Record<string, unknown>),
    document.baseURI,
  );
  for (const w of result.warnings) log.warn(asOptionMessage(w));
  if (!result.ok) throw new ParleyOptionsError(result.errors.map(asOptionMessage));
  const { config } = result;
  const target = findTarget(options.target);
  const started = startInstance(config, target);
  if (!started) throw new Error('[parley] mount(): the widget could not start here (the console says why)');
  const { push: _queue, ...handle } = started.api;
  // A microtask later, so that `mount(…).on('ready', fn)` hears it.
  queueMicrotask(() => started.events.emit('ready', undefined));
  return handle;
}

function findTarget(target: ParleyOptions['target']): HTMLElement | null {
  if (target === undefined || target === null) return null;
  if (typeof target === 'string') {
    const element = document.getElementById(target.slice(1));
    if (!element)
      throw new ParleyOptionsError([
        `target: "${target}" matches no element; add <div id="${target.slice(1)}"></div> or leave target out`,
      ]);
    return element;
  }
  if (target instanceof HTMLElement) return target;
  throw new ParleyOptionsError(['target: is not an element; pass an HTMLElement or an "#id"']);
}
