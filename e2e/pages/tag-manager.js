// What a tag manager does: listens on document for the widget's DOM events (no access to
// window.Parley needed), and a page script that follows the unread count through Parley.on.
window.heard = [];
for (const name of ['ready', 'open', 'close', 'message', 'sent', 'unread']) {
  document.addEventListener(`parley:${name}`, (e) => {
    const detail = typeof e.detail === 'number' ? ` ${e.detail}` : e.detail?.text ? ` ${e.detail.text}` : '';
    window.heard.push(`${e.type}${detail} @${e.target.dataset.parley}`);
  });
}
window.unread = [];
window.Parley = window.Parley || [];
Parley.push(['on', 'unread', (count) => window.unread.push(count)]);
