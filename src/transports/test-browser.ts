/**
 * Test support: `window` and `document` as plain EventTargets (installed with vi.stubGlobal), so
 * tests in the Node environment can fire `online` and `visibilitychange` and count the listeners an
 * adapter leaves behind. Call `vi.unstubAllGlobals()` in afterEach.
 */
import { vi } from 'vitest';

export interface FakeBrowser {
  readonly win: EventTarget;
  readonly doc: EventTarget & { visibilityState: DocumentVisibilityState };
  /** `window:online`, `document:visibilitychange`, … one entry per live listener. */
  readonly live: string[];
  /** Fires what a laptop waking up fires: the tab becomes visible and the network comes back. */
  wake(): void;
}

export function installFakeBrowser(visibility: DocumentVisibilityState = 'visible'): FakeBrowser {
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), { visibilityState: visibility });
  const live: string[] = [];
  for (const [name, target] of [
    ['window', win],
    ['document', doc],
  ] as const) {
    const add = target.addEventListener.bind(target);
    const remove = target.removeEventListener.bind(target);
    target.addEventListener = (type: string, fn: EventListenerOrEventListenerObject | null) => {
      live.push(`${name}:${type}`);
      add(type, fn);
    };
    target.removeEventListener = (type: string, fn: EventListenerOrEventListenerObject | null) => {
      const i = live.indexOf(`${name}:${type}`);
      if (i >= 0) live.splice(i, 1);
      remove(type, fn);
    };
  }
  vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
  vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
  vi.stubGlobal('document', doc);
  return {
    win,
    doc,
    live,
    wake() {
      doc.visibilityState = 'visible';
      doc.dispatchEvent(new Event('visibilitychange'));
      win.dispatchEvent(new Event('online'));
    },
  };
}
