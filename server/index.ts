/**
 * The Parley reference backend: one `node:http` server, one module per protocol, static demo
 * files. Each request is offered to the modules in order, then to the static files, then 404.
 * It is a separate Node program: nothing here imports from src/.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { answerPreflight, sendText } from './http';
import { createModules, type ModuleOptions } from './modules';
import { serveStatic } from './static';
import type { ProtocolModule, RunningServer } from './types';

export type { ProtocolModule, RunningServer, ServerOptions } from './types';

export interface ReferenceServerOptions extends ModuleOptions {
  /** Modules appended after the built-in ones (tests, experiments). */
  extraModules?: readonly ProtocolModule[];
}

/** The longest a graceful close waits for answers already being written. */
const GRACE_MS = 5000;

/** The repository root: the default static root (demo pages, public/, dist/). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function startServer(options: ReferenceServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const root = options.root ?? REPO_ROOT;
  const log = options.verbose ? (line: string) => console.log(`[parley-server] ${line}`) : () => {};
  const modules = [...createModules(options), ...(options.extraModules ?? [])];
  let baseUrl = ''; // known once listening

  // Every TCP connection, upgraded ones included (http's closeAllConnections forgets those).
  const connections = new Set<Socket>();
  // Requests being answered: a graceful close waits for them.
  let inFlight = 0;
  let settled: (() => void) | undefined;
  const server = createServer((req, res) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) settled?.();
    });
    route(req, res).catch((error: unknown) => {
      // A visitor cancelling an upload aborts the request: not a server fault, nothing to report.
      if (req.destroyed && (error as { code?: string }).code === 'ECONNRESET') return;
      console.error('[parley-server] request failed:', error);
      if (!res.headersSent) sendText(res, 500, 'Internal server error');
      else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // `req.url` is a path; anything else ("*", absolute forms) is treated as "/".
    const raw = req.url?.startsWith('/') ? req.url : '/';
    const url = new URL(`${baseUrl}${raw}`);
    // Paths only: query strings may hold tokens.
    res.once('finish', () => log(`${req.method} ${url.pathname} ${res.statusCode}`));
    for (const module of modules) {
      if (await module.handle(req, res, url)) return;
    }
    if (await serveStatic(req, res, url, { root, origin: originOf(req, baseUrl) })) return;
    // A preflight for a path no module claimed: answer it, so the real request gets a clear 404.
    if (req.method === 'OPTIONS') return answerPreflight(res);
    sendText(res, 404, `Not found: ${url.pathname}`);
  }

  for (const module of modules) await module.attach(server);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await Promise.allSettled(modules.map((module) => module.close()));
    throw error;
  }

  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${urlHost(host)}:${port}`;
  log(`listening on ${baseUrl} with ${modules.map((module) => module.name).join(', ')}`);

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    modules: new Map(modules.map((module) => [module.name, module])),
    dropConnections() {
      for (const module of modules) module.dropConnections();
    },
    close({ graceful = false } = {}) {
      // Idempotent, and it must resolve with clients still connected: terminate, never wait for
      // them (gracefully: only for the answers already being written, at most GRACE_MS).
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.allSettled(modules.map((module) => module.close()));
        if (graceful && inFlight > 0) {
          await new Promise<void>((resolve) => {
            settled = resolve;
            setTimeout(resolve, GRACE_MS).unref();
          });
        }
        server.closeAllConnections();
        for (const socket of connections) socket.destroy();
        await closed;
      })();
      return closing;
    },
  };
}

/** A host usable in a URL: wildcard binds are reached over loopback, IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The origin written into demo pages: the one the browser used (so a page opened as localhost
 * talks to localhost and stays same-origin), when the Host header is a plain host[:port];
 * otherwise the server's own base URL. The pattern keeps anything odd out of the HTML.
 */
function originOf(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  const plain = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
  return host && plain.test(host) ? `http://${host}` : fallback;
}
