// Calls a host page makes before parley.js has loaded: queued, then replayed by the widget.
window.Parley = window.Parley || [];
window.events = [];
Parley.push(['on', 'ready', () => events.push('ready')]);
Parley.push(['on', 'message', (m) => events.push(`message:${m.text}`)]);
Parley.push(['on', 'sent', (m) => events.push(`sent:${m.text}`)]);
Parley.push(['on', 'open', () => events.push('open')]);
Parley.push(['open']);
