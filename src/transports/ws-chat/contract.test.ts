// @vitest-environment node
import { WebSocket as NodeWebSocket } from 'ws';
import { startServer } from '../../../server/index';
import { Backoff } from '../../core/backoff';
import { memoryStore } from '../../core/storage';
import { transportContract } from '../contract';
import { WsChatAdapter } from './adapter';

transportContract('ws-chat against the reference server', async () => {
  const server = await startServer({ replyDelayMs: 0 });
  const transport = new WsChatAdapter({
    server: server.url,
    name: 'Contract',
    channel: 'WEB',
    storage: memoryStore(),
    WebSocket: NodeWebSocket as unknown as typeof WebSocket,
    backoff: new Backoff({ baseMs: 50, capMs: 200 }),
  });
  return { transport, dispose: () => server.close() };
});
