/**
 * Entry of `dist/parley.js`. Finds its own script tag, validates the `data-*` configuration and
 * mounts the widget. With a wrong configuration it prints why and mounts nothing: no launcher
 * that cannot work.
 */

import { log } from '../core/log';
import { installApi } from './api';
import { parseConfig } from './config';
import { startInstance } from './instance';

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
  const started = startInstance(config, target);
  if (started) installApi(started.api, () => started.events.emit('ready', undefined));
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
