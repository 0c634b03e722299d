/**
 * While the floating panel covers a phone's whole screen, the page behind it must not scroll
 * (a swipe on the header or at the end of the log would otherwise move the page: people report it
 * against every chat widget). We set `overflow: hidden` on the page's `<html>` and `<body>` through
 * the CSSOM, which a strict CSP allows, and put back exactly what was there when the panel closes.
 * The media query is the same as the full-screen rule in panel.css.
 */
import { useLayoutEffect } from 'preact/hooks';

export const FULL_SCREEN_QUERY = '(max-width: 480px)';

export function usePageScrollLock(panel: { current: HTMLElement | null }): void {
  useLayoutEffect(() => {
    const el = panel.current;
    if (!el?.closest('[data-mode="floating"]') || typeof matchMedia !== 'function') return;
    const media = matchMedia(FULL_SCREEN_QUERY);
    const targets = [document.documentElement, document.body].filter(Boolean);
    let saved: string[] | null = null;
    const apply = () => {
      if (media.matches && !saved) {
        saved = targets.map((t) => t.style.overflow);
        for (const t of targets) t.style.overflow = 'hidden';
      } else if (!media.matches && saved) {
        restore();
      }
    };
    const restore = () => {
      targets.forEach((t, i) => {
        t.style.overflow = saved?.[i] ?? '';
      });
      saved = null;
    };
    apply();
    media.addEventListener?.('change', apply);
    return () => {
      media.removeEventListener?.('change', apply);
      if (saved) restore();
    };
  }, []);
}
