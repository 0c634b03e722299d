// @vitest-environment node
import { WebSocket } from 'ws';
import { startTwinTestServer } from '../../../server/twin/testing';
import { memoryStore } from '../../core/storage';
import { transportContract } from '../contract';
import { createTwinAdapter } from './adapter';

transportContract('twin against the reference module (socket.io 2.5.1, EIO 3)', async () => {
  const server = await startTwinTestServer();
  const transport = createTwinAdapter({
    server: server.url,
    chatId: 'demo',
    storage: memoryStore(),
    WebSocket,
    backoff: { baseMs: 50, capMs: 200 },
  });
  return { transport, dispose: () => server.close() };
});
