/**
 * Entry of `dist/parley.js`. Finds its own script tag, validates the `data-*` configuration and
 * mounts the widget. With a wrong configuration it prints why and mounts nothing: no launcher
 * that cannot work.
 */

import { Emitter } from '../core/emitter';
import { log } from '../core/log';
import { createApi, installApi, type ParleyEvents, type ParleyInstance } from './api';
import { parseConfig } from './config';
import { parseIdentity, sameIdentity, withIdentity } from './identity';
import { type MountedWidget, mountWidget } from './shell';

declare const __PARLEY_VERSION__: string;

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  // currentScript is null when the bundle is evaluated from a module or injected late.
  return document.querySelector<HTMLScriptElement>('script[data-transport][src*="parley"]');
}

function start(script: HTMLScriptElement): void {
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
  const events = new Emitter<ParleyEvents>();
  let current = config;
  let widget: MountedWidget;
  try {
    widget = mountWidget(config, target, events);
  } catch (err) {
    log.error('could not start the widget:', err);
    return;
  }
  /**
   * Another visitor: the old widget goes first (nothing of theirs is written after the switch), then
   * the new one takes its storage, which removes what the old one left (transport.ts).
   */
  const identify = (value: unknown) => {
    const identity = parseIdentity(value);
    if (identity === undefined || sameIdentity(current, identity)) return;
    const open = widget.isOpen();
    widget.destroy();
    current = withIdentity(current, identity);
    widget = mountWidget(current, target, events);
    if (open) widget.open();
  };
  const instance: ParleyInstance = {
    open: () => widget.open(),
    close: () => widget.close(),
    toggle: () => widget.toggle(),
    send: (text) => widget.send(text),
    clear: () => widget.clear(),
    enableNotifications: () => widget.enableNotifications(),
    setMetadata: (values) => widget.setMetadata(values),
    identify,
    destroy: () => widget.destroy(),
  };
  const api = createApi(
    instance,
    events,
    typeof __PARLEY_VERSION__ === 'string' ? __PARLEY_VERSION__ : 'dev',
  );
  installApi(api, () => events.emit('ready', undefined));
}

const script = findScript();
if (script) {
  if (document.body) start(script);
  else document.addEventListener('DOMContentLoaded', () => start(script), { once: true });
} else {
  log.error(
    'could not find its <script> tag; load it with <script src=".../parley.js" data-transport="ws-chat" data-server="https://…">',
  );
}
