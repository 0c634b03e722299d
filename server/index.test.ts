// @vitest-environment node
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { parseCli } from './cli-args';
import { DEMO_CSP } from './static';
import { getToken, startTestServer, stopTestServers, TestClient } from './test-helpers';
import type { ProtocolModule, RunningServer } from './types';

/** A throwaway static root, so the tests do not depend on the repository's pages or a build. */
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'parley-static-'));
  await mkdir(join(root, 'public'));
  await mkdir(join(root, '.secret'));
  await writeFile(join(root, 'demo.html'), '<script data-server="{{ORIGIN}}"></script>');
  await writeFile(join(root, 'public', 'demo.css'), 'body{}');
  await writeFile(join(root, 'public', 'notes.txt'), 'unknown type');
  await writeFile(join(root, '.secret', 'x.json'), '{}');
  // What a repository root also holds, and a demo server must not hand out (issue 8).
  await writeFile(join(root, 'package.json'), '{"name":"parley"}');
  await writeFile(join(root, 'package-lock.json'), '{}');
  await mkdir(join(root, 'dist', 'chunks'), { recursive: true });
  await writeFile(join(root, 'dist', 'parley.js.map'), '{"sources":[]}');
  await writeFile(join(root, 'dist', 'chunks', 'twin.js'), 'chunk()');
  await mkdir(join(root, 'server'));
  await writeFile(join(root, 'server', 'secret.js'), 'source');
  await mkdir(join(root, 'test-results'));
  await writeFile(join(root, 'test-results', 'shot.png'), 'png');
  await mkdir(join(root, 'e2e', 'pages'), { recursive: true });
  await writeFile(join(root, 'e2e', 'pages', 'page.html'), '<p>test page</p>');
  await writeFile(join(root, 'e2e', 'fixtures.js'), 'source');
  await writeFile(join(root, 'public', 'logo.svg'), '<svg/>');
  await writeFile(join(tmpdir(), 'parley-outside.json'), '{"outside":true}');
  await symlink(join(tmpdir(), 'parley-outside.json'), join(root, 'link.json'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(join(tmpdir(), 'parley-outside.json'), { force: true });
});
afterEach(stopTestServers);

/** A raw request, so paths like `/../x` reach the server unnormalised. */
async function rawGet(server: RunningServer, path: string): Promise<number> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startServer', () => {
  it('binds 127.0.0.1 on an OS-assigned port and reports the real URL', async () => {
    const server = await startTestServer({ root });
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect([...server.modules.keys()]).toContain('ws-chat');
  });

  it('serves the demo page at / with the origin filled in and a strict CSP', async () => {
    const server = await startTestServer({ root });
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(DEMO_CSP);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe(`<script data-server="${server.url}"></script>`);
  });

  it('serves /x from public/x, and answers HEAD without a body', async () => {
    const server = await startTestServer({ root });
    const res = await fetch(`${server.url}/demo.css`);
    expect(res.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await res.text()).toBe('body{}');
    const head = await fetch(`${server.url}/demo.css`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('6');
  });

  it('says how to build when dist/parley.js is missing', async () => {
    const server = await startTestServer({ root });
    const res = await fetch(`${server.url}/parley.js`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('npm run build');
  });

  it('serves dist/parley.js, its parley-*.js files and the single-file build once built', async () => {
    const built = await mkdtemp(join(tmpdir(), 'parley-built-'));
    try {
      await mkdir(join(built, 'dist'));
      await mkdir(join(built, 'dist', 'single'));
      await writeFile(join(built, 'dist', 'parley.js'), 'console.log(1)');
      await writeFile(join(built, 'dist', 'parley-app-Ab_1.js'), 'console.log(2)');
      await writeFile(join(built, 'dist', 'single', 'parley.js'), 'console.log(3)');
      const server = await startTestServer({ root: built });
      const res = await fetch(`${server.url}/parley.js`);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await res.text()).toBe('console.log(1)');
      // The files parley.js loads next to itself, and the single-file build.
      expect(await (await fetch(`${server.url}/parley-app-Ab_1.js`)).text()).toBe('console.log(2)');
      expect(await (await fetch(`${server.url}/single/parley.js`)).text()).toBe('console.log(3)');
    } finally {
      await rm(built, { recursive: true, force: true });
    }
  });

  it.each([
    '/../parley-outside.json',
    '/%2e%2e/parley-outside.json',
    '/public/../../parley-outside.json',
    '/.secret/x.json',
    '/link.json',
    '/notes.txt',
    '/nothing.html',
    '/package.json',
    '/package-lock.json',
    '/parley.js.map',
    '/dist/parley.js.map',
    '/server/secret.js',
    '/test-results/shot.png',
    '/e2e/fixtures.js',
    '/public/demo.css',
  ])('answers 404 for %s', async (path) => {
    const server = await startTestServer({ root });
    expect(await rawGet(server, path)).toBe(404);
  });

  it("serves the demo's own files: pages, public assets, e2e pages, the widget's chunks", async () => {
    const server = await startTestServer({ root });
    const get = async (path: string) => {
      const res = await fetch(`${server.url}${path}`);
      return `${res.status} ${await res.text()}`;
    };
    expect(await get('/chunks/twin.js')).toBe('200 chunk()');
    expect(await get('/logo.svg')).toBe('200 <svg/>');
    expect(await get('/e2e/pages/page.html')).toBe('200 <p>test page</p>');
  });

  it('answers 400 for a malformed %-escape', async () => {
    const server = await startTestServer({ root });
    expect(await rawGet(server, '/%E0%A4%A.html')).toBe(400);
  });

  it('does not serve files to POST', async () => {
    const server = await startTestServer({ root });
    expect((await fetch(`${server.url}/demo.html`, { method: 'POST' })).status).toBe(404);
  });

  it('leaves upgrades of other paths to other modules', async () => {
    // A fake module with its own WebSocket path, attached beside ws-chat.
    const wss = new WebSocketServer({ noServer: true });
    const other: ProtocolModule = {
      name: 'other',
      handle: () => false,
      attach(httpServer: Server) {
        httpServer.on('upgrade', (req, socket, head) => {
          if (req.url?.startsWith('/other')) wss.handleUpgrade(req, socket, head, (ws) => ws.send('hi'));
        });
      },
      dropConnections: () => {},
      openSockets: () => wss.clients.size,
      visitorTexts: () => [],
      close: () => new Promise((resolve) => wss.close(() => resolve())),
    };
    const server = await startTestServer({ root, extraModules: [other] });
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/other`);
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data) => resolve(String(data)));
      ws.once('error', reject);
    });
    expect(first).toBe('hi');
    ws.terminate();
    // And ws-chat still works next to it.
    const token = await getToken(server);
    (await TestClient.connect(server, token.token)).close();
  });
});

describe('parseCli', () => {
  it('uses the defaults, then the environment, then the flags', () => {
    expect(parseCli([], {})).toEqual({
      ok: true,
      help: false,
      options: {
        host: '127.0.0.1',
        port: 8080,
        replyDelayMs: 300,
        wsChatProtocol: 'envelope',
        twinSocketIo: 2,
        twinAllowEio3: false,
        verbose: false,
        nchanPort: 8081,
      },
    });
    const fromEnv = parseCli([], { PORT: '9000', HOST: 'localhost', WS_CHAT_PROTOCOL: 'flat' });
    expect(fromEnv.ok && fromEnv.options).toMatchObject({
      port: 9000,
      host: 'localhost',
      wsChatProtocol: 'flat',
    });
    const fromFlags = parseCli(
      [
        '--port=0',
        '--reply-delay-ms',
        '0',
        '--ws-chat-protocol=flat',
        '--twin-socketio=4',
        '--allow-eio3',
        '--verbose',
      ],
      { PORT: '9000', WS_CHAT_PROTOCOL: 'envelope' },
    );
    expect(fromFlags.ok && fromFlags.options).toMatchObject({
      port: 0,
      wsChatProtocol: 'flat',
      replyDelayMs: 0,
      twinSocketIo: 4,
      twinAllowEio3: true,
      verbose: true,
    });
  });

  it('takes the identity secret from PARLEY_IDENTITY_SECRET or --identity-secret, never a short one', () => {
    const secret = 'sixteen-chars-at-least';
    const env = parseCli([], { PARLEY_IDENTITY_SECRET: secret });
    expect(env.ok && env.options.identitySecret).toBe(secret);
    const flag = parseCli([`--identity-secret=${secret}!`], { PARLEY_IDENTITY_SECRET: secret });
    expect(flag.ok && flag.options.identitySecret).toBe(`${secret}!`);
    expect(parseCli(['--identity-secret=short'], {}).ok).toBe(false);
    expect(parseCli([], {}).ok && 'identitySecret' in (parseCli([], {}) as { options: object }).options).toBe(
      false,
    );
  });

  it.each([
    ['--port=abc'],
    ['--port=70000'],
    ['--twin-socketio=3'],
    ['--ws-chat-protocol=json'],
    ['--nchan-port=x'],
    ['--nope'],
  ])('rejects %s', (flag) => {
    expect(parseCli([flag], {}).ok).toBe(false);
  });
});
