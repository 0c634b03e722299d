// @vitest-environment node
import { WebSocket as NodeWebSocket } from 'ws';
import { type RunningServer, startServer } from '../../../server/index';
import { getWsChatModule } from '../../../server/ws-chat/index';
import { Backoff } from '../../core/backoff';
import { memoryStore } from '../../core/storage';
import { type ContractHarness, transportContract } from '../contract';
import { WsChatAdapter } from './adapter';
import type { Channel } from './protocol';
import { GENERATIONS } from './test-support';

function harness(server: RunningServer, channel: Channel = 'WEB'): ContractHarness {
  const transport = new WsChatAdapter({
    server: server.url,
    name: 'Contract',
    channel,
    storage: memoryStore(),
    WebSocket: NodeWebSocket as unknown as typeof WebSocket,
    backoff: new Backoff({ baseMs: 50, capMs: 200 }),
  });
  const module = getWsChatModule(server);
  return {
    transport,
    dropConnection: () => module.dropConnections(),
    openSockets: () => module.openSockets(),
    delivered: (text) => module.visitorTexts().filter((t) => t === text).length,
    dispose: () => server.close(),
  };
}

// The product's two generations: the adapter finds which one the server speaks (data-protocol="auto").
for (const generation of GENERATIONS) {
  const options = { replyDelayMs: 0, wsChatProtocol: generation } as const;
  transportContract(
    `ws-chat against the reference server (${generation} generation)`,
    async () => harness(await startServer(options)),
    {
      // The token endpoint answers 400 to a channel it does not know: a configuration no retry fixes.
      refused: async () => harness(await startServer(options), 'NOT-A-CHANNEL' as Channel),
    },
  );
}
