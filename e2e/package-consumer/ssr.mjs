// Server-side rendering: importing the package in Node must touch no browser global, add no global
// of its own, and do nothing until mount() (which says it needs a browser). Prints JSON for the test.
const before = new Set(Object.getOwnPropertyNames(globalThis));
const parley = await import('parley');
const added = Object.getOwnPropertyNames(globalThis).filter((name) => !before.has(name));
let mountError = '';
try {
  parley.mount({ transport: 'ws-chat', server: 'https://chat.example.com' });
} catch (err) {
  mountError = String(err?.message ?? err);
}
console.log(
  JSON.stringify({ exports: Object.keys(parley).sort(), version: parley.version, added, mountError }),
);
