/*
 * The floor `npm run bench` compares Parley with: about 2 KB of plain DOM code that does the least a
 * chat launcher can: a fixed round button, and on click a panel with a heading and a focused text box.
 * No framework, no styles beyond what placement needs (set through the CSSOM: the page's CSP forbids
 * inline styles), no network.
 */
(() => {
  const place = (el, props) => {
    for (const [k, v] of Object.entries(props)) el.style.setProperty(k, v);
  };
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'vanilla-launcher';
  button.setAttribute('aria-label', 'Open chat');
  button.setAttribute('aria-expanded', 'false');
  button.textContent = '💬';
  place(button, {
    position: 'fixed',
    right: '20px',
    bottom: '20px',
    width: '56px',
    height: '56px',
    'border-radius': '50%',
    border: '0',
    background: '#0b57d0',
    color: '#fff',
    'font-size': '24px',
    'z-index': '2147483000',
  });
  let panel = null;
  button.addEventListener('click', () => {
    if (panel) {
      panel.remove();
      panel = null;
      button.setAttribute('aria-expanded', 'false');
      return;
    }
    panel = document.createElement('div');
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', 'Chat');
    place(panel, {
      position: 'fixed',
      right: '20px',
      bottom: '88px',
      width: '360px',
      height: '480px',
      display: 'flex',
      'flex-direction': 'column',
      background: '#fff',
      border: '1px solid #ccc',
      'border-radius': '12px',
      'z-index': '2147483000',
    });
    const title = document.createElement('h2');
    title.textContent = 'Chat';
    const log = document.createElement('div');
    log.setAttribute('role', 'log');
    place(log, { flex: '1', overflow: 'auto' });
    const box = document.createElement('textarea');
    box.setAttribute('aria-label', 'Message');
    panel.append(title, log, box);
    document.body.append(panel);
    button.setAttribute('aria-expanded', 'true');
    box.focus();
  });
  document.body.append(button);
})();
