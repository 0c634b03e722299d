// The soak (e2e/soak/) loads every transport through this one page: `?transport=twin&chat-id=demo`
// becomes <script src="/parley.js" data-transport="twin" data-chat-id="demo" data-server="{origin}">.
const script = document.createElement('script');
script.src = '/parley.js';
script.dataset.server = location.origin;
for (const [name, value] of new URLSearchParams(location.search)) {
  script.setAttribute(`data-${name}`, value);
}
document.head.appendChild(script);
