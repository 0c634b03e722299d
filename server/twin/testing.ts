/**
 * Test helper: the TWIN module alone on its own http server on 127.0.0.1 (port 0), so the module's
 * tests do not depend on the shared server's registry. Always `close()` it (afterEach).
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { createTwinModule, type TwinModule, type TwinModuleOptions } from './index';

export interface TwinTestServer {
  readonly url: string;
  readonly port: number;
  readonly module: TwinModule;
  readonly http: Server;
  close(): Promise<void>;
}

export async function startTwinTestServer(options: TwinModuleOptions = {}): Promise<TwinTestServer> {
  const module = createTwinModule({ replyDelayMs: 0, ...options });
  const connections = new Set<Socket>();
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    Promise.resolve(module.handle(req, res, url)).then(
      (handled) => {
        if (!handled) res.writeHead(404).end();
      },
      () => res.writeHead(500).end(),
    );
  });
  http.on('connection', (s: Socket) => {
    connections.add(s);
    s.once('close', () => connections.delete(s));
  });
  await module.attach(http);
  await new Promise<void>((resolve) => http.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (http.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    module,
    http,
    async close() {
      await module.close();
      for (const s of connections) s.destroy();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
