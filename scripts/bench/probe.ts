/**
 * What the benchmark installs in every page before any of the page's scripts run: timestamps of
 * the launcher appearing, the pointer going down and the text box taking the focus; long tasks; a
 * way to wait for a text to appear in the widget. Plain browser code (it is serialised into the page).
 */
export interface PageProbe {
  launcherAt: number;
  pointerAt: number;
  focusAt: number;
  longTasks: Array<{ start: number; duration: number }>;
  /** Resolves `performance.now()` when an element holding `text` is in the widget (or the page). */
  waitForText(text: string, timeoutMs: number): Promise<number>;
  /** The widget's shadow root, or the document for the vanilla launcher. */
  root(): ParentNode;
}

export function installProbe(): void {
  const w = window as unknown as { __bench: PageProbe };
  const root = (): ParentNode => document.querySelector('[data-parley]')?.shadowRoot ?? document;
  const deepActive = (): Element | null => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el;
  };
  const probe: PageProbe = {
    launcherAt: 0,
    pointerAt: 0,
    focusAt: 0,
    longTasks: [],
    root,
    waitForText(text, timeoutMs) {
      return new Promise((resolve, reject) => {
        const has = (node: Node) => (node.textContent ?? '').includes(text);
        const observed = new Set<Node>();
        const watch = () => {
          const r = root();
          if (observed.has(r)) return;
          observed.add(r);
          observer.observe(r, { childList: true, subtree: true, characterData: true });
        };
        const done = (at: number) => {
          observer.disconnect();
          clearTimeout(timer);
          resolve(at);
        };
        const observer = new MutationObserver((records) => {
          const at = performance.now();
          watch();
          for (const r of records) {
            if (r.type === 'characterData' && has(r.target)) return done(at);
            for (const n of r.addedNodes) if (has(n)) return done(at);
          }
        });
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(new Error(`"${text}" did not appear within ${timeoutMs} ms`));
        }, timeoutMs);
        watch();
        // Already there (a search of the whole tree only once, not per mutation).
        const r = root();
        const all = r instanceof Document ? r.body : r;
        if (all && (all.textContent ?? '').includes(text)) done(performance.now());
      });
    },
  };
  w.__bench = probe;
  const launcher = () =>
    document.getElementById('vanilla-launcher') ??
    document.querySelector('[data-parley]')?.shadowRoot?.querySelector('.launcher');
  const onFocus = () => {
    if (probe.pointerAt && !probe.focusAt && deepActive()?.tagName === 'TEXTAREA')
      probe.focusAt = performance.now();
  };
  new MutationObserver((_, observer) => {
    if (!probe.launcherAt && launcher()) {
      probe.launcherAt = performance.now();
      observer.disconnect();
      // Focus moving inside a shadow root does not reach the window (the retargeted target and
      // related target are both the host): listen in the widget's root too.
      document.querySelector('[data-parley]')?.shadowRoot?.addEventListener('focusin', onFocus, true);
    }
  }).observe(document, { childList: true, subtree: true });
  addEventListener('pointerdown', () => (probe.pointerAt = performance.now()), true);
  addEventListener('focusin', onFocus, true);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no long-task timing in this browser
  }
}
