/**
 * One widget and its handle, as the page sees it: shared by the script tag (index.ts puts the handle
 * on `window.Parley`) and by the npm package's `mount()` (mount.ts returns it), so both have the same
 * methods, events and checks.
 */
import { Emitter } from '../core/emitter';
import { log } from '../core/log';
import { createApi, EVENT_NAMES, type ParleyApi, type ParleyEvents, type ParleyInstance } from './api';
import type { ParleyConfig } from './config';
import { parseIdentity, sameIdentity, withIdentity } from './identity';
import { type MountedWidget, mountWidget } from './shell';
import { FLOOR, missingFeatures } from './support';

declare const __PARLEY_VERSION__: string;

/** The built version (`dev` when the source runs unbuilt, as in unit tests). */
export const VERSION = typeof __PARLEY_VERSION__ === 'string' ? __PARLEY_VERSION__ : 'dev';

export interface StartedInstance {
  api: ParleyApi;
  events: Emitter<ParleyEvents>;
}

/** Mounts a widget for a valid configuration; null (after saying why) when it could not start. */
export function startInstance(config: ParleyConfig, target: HTMLElement | null): StartedInstance | null {
  const missing = missingFeatures();
  if (missing.length) {
    log.error(`not shown: needs ${FLOOR}+ (missing ${missing})`);
    return null;
  }
  const events = new Emitter<ParleyEvents>();
  let current = config;
  let widget: MountedWidget;
  try {
    widget = mountWidget(config, target, events);
  } catch (err) {
    log.error('could not start the widget:', err);
    return null;
  }
  // The same events as DOM events on the host, for tag managers (a listener on `document` hears them).
  for (const name of EVENT_NAMES)
    events.on(name, (detail) =>
      widget.host.dispatchEvent(new CustomEvent(`parley:${name}`, { detail, bubbles: true })),
    );
  /** hide(): an inline style on our own host (CSSOM, allowed by a strict style-src), kept across identify(). */
  let hidden = false;
  const applyHidden = () => {
    if (hidden) widget.host.style.setProperty('display', 'none', 'important');
    else widget.host.style.removeProperty('display');
  };
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
    applyHidden();
    if (open) widget.open();
  };
  const instance: ParleyInstance = {
    open: () => widget.open(),
    close: () => widget.close(),
    toggle: () => widget.toggle(),
    hide: () => {
      hidden = true;
      widget.close();
      applyHidden();
    },
    show: () => {
      hidden = false;
      applyHidden();
    },
    send: (text) => widget.send(text),
    clear: () => widget.clear(),
    logout: () => widget.logout(),
    enableNotifications: () => widget.enableNotifications(),
    setMetadata: (values) => widget.setMetadata(values),
    identify,
    destroy: () => widget.destroy(),
  };
  return { api: createApi(instance, events, VERSION), events };
}
