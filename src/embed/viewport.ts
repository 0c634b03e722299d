/**
 * On phones the on-screen keyboard shrinks the visual viewport but not the layout viewport, so a
 * full-screen panel sized with `100dvh` ends up with its composer under the keyboard. We publish the
 * visual viewport's height and offset as custom properties on the host (CSSOM `setProperty`, which a
 * strict CSP allows); `theme/viewport.css` sizes the small-screen panel with them.
 */
export function followVisualViewport(host: HTMLElement): () => void {
  const vv = globalThis.visualViewport;
  if (!vv) return () => {};
  const update = () => {
    host.style.setProperty('--_vvh', `${Math.round(vv.height)}px`);
    host.style.setProperty('--_vvtop', `${Math.round(vv.offsetTop)}px`);
  };
  update();
  vv.addEventListener('resize', update);
  vv.addEventListener('scroll', update);
  return () => {
    vv.removeEventListener('resize', update);
    vv.removeEventListener('scroll', update);
  };
}
