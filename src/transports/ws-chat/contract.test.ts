// @vitest-environment node
import { WebSocket as NodeWebSocket } from 'ws';
import { startServer } from '../../../server/index';
import { Backoff } from '../../core/backoff';
import { memoryStore } from '../../core/storage';
import { transportContract } from '../contract';
import { WsChatAdapter } from './adapter';
import { GENERATIONS } from './test-support';

for (const generation of GENERATIONS) {
  transportContract(`ws-chat against the reference server (${generation} generation)`, async () => {
    const server = await startServer({ replyDelayMs: 0, wsChatProtocol: generation });
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
}
