/**
 * A websocket-only Socket.IO client for both generations (EIO 3 / Socket.IO 2.x and EIO 4 /
 * Socket.IO 3.x-4.x). It depends on `src/core` only. Why not socket.io-client: see
 * TRANSPORTS.md (the twin section) (the 4.x client cannot reach a 2.x server; the 2.x client costs ~19 KB gzip).
 */
export { type ConnectError, SocketIoClient, type SocketIoClientEvents, type SocketIoOptions } from './client';
export { type Eio, engineUrl, type Timers, type WebSocketCtor, type WebSocketLike } from './engine';
