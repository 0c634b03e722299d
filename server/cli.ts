/**
 * `npm start`: build the widget if needed, start the reference server, print the demo URLs,
 * stop cleanly on Ctrl-C. Never prints a token or a URL that holds one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCli, startFailure, USAGE } from './cli-args';
import { REPO_ROOT, startServer } from './index';
import { startNchanDemo } from './nchan/demo';

const parsed = parseCli(process.argv.slice(2), process.env);
if (!parsed.ok) {
  console.error(`parley-server: ${parsed.error}\n\n${USAGE}`);
  process.exit(2);
}
if (parsed.help) {
  console.log(USAGE);
  process.exit(0);
}

buildWidgetIfMissing();

const server = await startServer(parsed.options).catch((error: unknown) => {
  console.error(`parley-server: could not start: ${startFailure(error, parsed.options.port)}`);
  process.exit(1);
});

console.log(`Parley demo: ${server.url}/demo.html (ws-chat, ${parsed.options.wsChatProtocol} generation)`);
if (server.modules.has('twin')) console.log(`Parley TWIN demo: ${server.url}/demo-twin.html`);
if (server.modules.has('chatfaq')) console.log(`Parley ChatFAQ demo: ${server.url}/demo-chatfaq.html`);
const nginx = await startNchanDemo(server, parsed.options.nchanPort ?? 8081);
if (server.modules.has('postoffice'))
  console.log(`Parley postoffice demo: ${server.url}/demo-postoffice.html`);
console.log(`Modules: ${[...server.modules.keys()].join(', ')}. Ctrl-C stops.`);
console.log(
  parsed.options.identitySecret
    ? 'Visitor ids are verified: a user id is taken only with its HMAC-SHA256 (README, "Verified identity").'
    : 'Visitor ids are not verified (no identity secret): fine for a demo, not for real users.',
);
if (
  parsed.options.host !== '127.0.0.1' &&
  parsed.options.host !== 'localhost' &&
  parsed.options.host !== '::1'
) {
  console.warn('Warning: bound beyond loopback. This demo server has no authentication worth the name.');
}

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) {
    // A second Ctrl-C means "now".
    process.exit(1);
  }
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  Promise.all([nginx?.close(), server.close()]).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('parley-server: error while stopping:', error);
      process.exit(1);
    },
  );
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/** Newest modification time under a directory (the widget's sources). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The demo needs dist/parley.js. Build it when missing or older than its sources (after a
 * `git pull`, say); if the build fails, say why and serve anyway (/parley.js answers 404 with the
 * command to run).
 */
function buildWidgetIfMissing(): void {
  const bundle = join(REPO_ROOT, 'dist', 'parley.js');
  const stale = existsSync(bundle) && statSync(bundle).mtimeMs < newestMtime(join(REPO_ROOT, 'src'));
  if (existsSync(bundle) && !stale) return;
  console.log(
    `dist/parley.js is ${stale ? 'older than src/' : 'missing'}: building the widget (npx vite build)…`,
  );
  const result = spawnSync('npx', ['vite', 'build'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.error) {
    console.error(
      `Widget build could not run: ${result.error.message}. Serving without it; run npm run build.`,
    );
  } else if (result.status !== 0) {
    console.error(
      `Widget build failed (exit ${result.status ?? result.signal}). Serving without it; run npm run build.`,
    );
  }
}
