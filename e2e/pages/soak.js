// The soak (e2e/soak/) loads every transport through this one page: `?transport=twin&chat-id=demo`
// becomes <script src="/parley.js" data-transport="twin" data-chat-id="demo" data-server="{origin}">;
// `{origin}` in a value is this page's origin (`?server={origin}/postoffice`).
const script = document.createElement('script');
script.src = '/parley.js';
script.dataset.server = location.origin;
for (const [name, value] of new URLSearchParams(location.search)) {
  script.setAttribute(`data-${name}`, value.replaceAll('{origin}', location.origin));
}
document.head.appendChild(script);

// What the soak reads back (plain script, so no test transpiler touches it).

/**
 * The numbered tokens the visitor can reach in the widget's log, in order. The log may render only
 * a window of rows near the viewport (rows carry `data-row`): it is scrolled to the top, a page of
 * rows at a time, until no row appears above the first one, then back down. Waiting two animation
 * frames after each scroll is an order of events, not a delay: the scroll event, the window's
 * growth and its render all happen before the second frame's callbacks.
 */
window.soakReadScreen = async () => {
  const host = document.querySelector('[data-parley]');
  const log = host?.shadowRoot?.querySelector('[role="log"]');
  if (!log) return [];
  const tokensOf = (el) => {
    const out = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of (node.textContent ?? '').matchAll(/\b([vra]\d{4,})\b/g)) out.push(m[1]);
    }
    return out;
  };
  // Rows sit at any depth (the log keeps rows from before it opened in a part that is not announced).
  const rows = () =>
    [...log.querySelectorAll('[data-row]')].map((el) => ({ key: el.dataset.row, tokens: tokensOf(el) }));
  let order = rows();
  if (order.length === 0) return tokensOf(log); // a log that renders every message as it is
  const frames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  for (;;) {
    log.scrollTop = 0;
    await frames();
    const now = rows();
    const i = now.findIndex((r) => r.key === order[0].key);
    if (i <= 0) break; // nothing above the first row: the start of the conversation
    order = [...now.slice(0, i), ...order];
  }
  log.scrollTop = log.scrollHeight;
  return order.flatMap((r) => r.tokens);
};

/**
 * Numbered visitor messages the widget stored as not sent: still sending, failed, or not confirmed
 * (a send a reload cut off). A message the server has but the widget shows like this invites the
 * visitor to send it again.
 */
window.soakReadUnsettled = () => {
  const out = [];
  const walk = (v) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== 'object' || v === null) return;
    const settled = v.state !== 'sending' && v.state !== 'failed' && v.unconfirmed !== true;
    if (typeof v.text === 'string' && /^v\d{4,}$/.test(v.text) && !settled)
      out.push(`${v.text} (${v.unconfirmed ? 'not confirmed' : v.state})`);
    else Object.values(v).forEach(walk);
  };
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i) ?? '';
    if (!/^parley:.*:(messages(\.\d+)?|outbox)$/.test(key)) continue;
    try {
      walk(JSON.parse(localStorage.getItem(key) ?? 'null'));
    } catch {
      // not ours to judge: the widget's own decoder drops what does not decode
    }
  }
  return [...new Set(out)];
};

/** The numbered tokens of the conversation the widget stored (what its store holds). */
window.soakReadStored = () => {
  const out = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i) ?? '';
    if (!/^parley:.*:messages(\.\d+)?$/.test(key)) continue;
    for (const m of (localStorage.getItem(key) ?? '').matchAll(/"text":"([vra]\d{4,})"/g)) out.push(m[1]);
  }
  return out;
};
