import { WebSocket as NodeWebSocket } from 'ws';
import { getChatfaqModule } from '../../../server/chatfaq/index';
import { startServer } from '../../../server/index';
import { memoryStore } from '../../core/storage';
import { type ContractHarness, transportContract } from '../contract';
import { createChatfaqAdapter } from './adapter';

async function harness(fsm: string): Promise<ContractHarness> {
  const server = await startServer({ replyDelayMs: 0 });
  const transport = createChatfaqAdapter({
    server: server.url,
    fsm,
    storage: memoryStore(),
    WebSocket: NodeWebSocket as unknown as typeof WebSocket,
    backoff: { baseMs: 50, capMs: 200 },
  });
  const module = getChatfaqModule(server);
  return {
    transport,
    dropConnection: () => module.dropConnections(),
    openSockets: () => module.openSockets(),
    delivered: (text) => module.visitorTexts().filter((t) => t === text).length,
    dispose: () => server.close(),
  };
}

transportContract('chatfaq against the reference server', () => harness('demo'), {
  // The server closes with 4000 ("No FSM found"): final, like upstream ChatFAQ.
  refused: () => harness('no-such-fsm'),
});
