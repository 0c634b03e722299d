/**
 * A TCP proxy on 127.0.0.1 in front of a port, for drops the server cannot make itself (nchan: the
 * visitors' sockets end at nginx). `drop()` destroys every connection through it at once, as a lost
 * network does: no close frame, no FIN from the far side first.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface DropProxy {
  readonly port: number;
  drop(): void;
  close(): Promise<void>;
}

export async function startDropProxy(target: () => number): Promise<DropProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const upstream = createConnection(target(), '127.0.0.1');
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    // Either side gone (the target stopped, the browser closed): the other goes too.
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const drop = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: (server.address() as { port: number }).port,
    drop,
    close: () =>
      new Promise<void>((resolve) => {
        drop();
        server.close(() => resolve());
      }),
  };
}
