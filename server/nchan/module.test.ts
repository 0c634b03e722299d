/**
 * The nchan module's own HTTP side (token endpoint, authorize hook) on the real reference server,
 * and the generated nginx config checked by nginx itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, stopTestServers } from '../test-helpers';
import { nginxConfig } from './config';
import { nchanModuleOf } from './front';
import { findNginx, INSTALL_HINT } from './nginx';

afterEach(stopTestServers);

async function token(url: string, conversation: unknown) {
  const res = await fetch(`${url}/nchan/token`, { method: 'POST', body: JSON.stringify({ conversation }) });
  return { status: res.status, body: (await res.json()) as { token?: string } };
}

const hook = (url: string, originalUri: string) =>
  fetch(`${url}/nchan/auth`, { headers: { 'X-Original-URI': originalUri } }).then((r) => r.status);

describe('nchan module', () => {
  it('issues a token per conversation that the hook accepts for that conversation only', async () => {
    const server = await startTestServer();
    const a = await token(server.url, 'conv-a');
    expect(a.status).toBe(200);
    expect(a.body.token).toMatch(/^[\w-]{20,}$/);
    expect((await token(server.url, 'conv-a')).body.token).toBe(a.body.token);
    // No nginx, so the bot cannot subscribe: the hook still lets the visitor in (and says why in verbose logs).
    expect(await hook(server.url, `/chat/conv-a?token=${a.body.token}`)).toBe(204);
    expect(await hook(server.url, `/single/conv-a?token=${a.body.token}`)).toBe(204);
    expect(await hook(server.url, `/chat/conv-b?token=${a.body.token}`)).toBe(403);
    expect(await hook(server.url, '/chat/conv-a')).toBe(403);
    expect(await hook(server.url, `/bot/sub/conv-a_up?token=${a.body.token}`)).toBe(403);
    expect(await hook(server.url, `/elsewhere?token=${a.body.token}`)).toBe(403);
    expect(await hook(server.url, '')).toBe(403);
  });

  it('refuses malformed conversation ids and answers 403 for a refused conversation', async () => {
    const server = await startTestServer();
    for (const bad of ['', 'a/b', 'x'.repeat(65), 5, null])
      expect((await token(server.url, bad)).status).toBe(400);
    const { body } = await token(server.url, 'conv-r');
    nchanModuleOf(server).refuse('conv-r');
    expect(await hook(server.url, `/chat/conv-r?token=${body.token}`)).toBe(403);
    expect(nchanModuleOf(server).hookCalls.at(-1)).toEqual({ path: '/chat/conv-r', allowed: false });
  });
});

describe('nchan nginx config', () => {
  const install = findNginx();
  // .ci/run installs nginx and the module; without them this fails with the command to run.
  it('is accepted by nginx -t, and listens on 127.0.0.1 only', () => {
    if (!install.ok) throw new Error(`${install.missing} is missing: ${INSTALL_HINT}`);
    const prefix = mkdtempSync(join(tmpdir(), 'parley-nginx-test-'));
    mkdirSync(join(prefix, 'tmp'));
    try {
      const config = nginxConfig({ port: 18_000, appPort: 18_001, modulePath: install.modulePath });
      expect(config.match(/listen [^;]+;/g)).toEqual(['listen 127.0.0.1:18000;']);
      writeFileSync(join(prefix, 'nginx.conf'), config);
      const out = execFileSync(
        install.binary,
        ['-t', '-p', `${prefix}/`, '-c', 'nginx.conf', '-e', 'error.log'],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      expect(out).toBe('');
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
});
