// @vitest-environment node
import { WebSocket as NodeWebSocket } from 'ws';
import { type RunningServer, startServer } from '../../../server/index';
import { BOT_MAILBOX } from '../../../server/postoffice/bot';
import {
  getPostofficeModule,
  POSTOFFICE_PATH,
  POSTOFFICE_TOKEN_PATH,
} from '../../../server/postoffice/index';
import { Backoff } from '../../core/backoff';
import { memoryStore } from '../../core/storage';
import { type ContractHarness, transportContract } from '../contract';
import { PostofficeAdapter } from './adapter';

function harness(server: RunningServer, tokenPath = POSTOFFICE_TOKEN_PATH): ContractHarness {
  const transport = new PostofficeAdapter({
    server: `${server.url}${POSTOFFICE_PATH}`,
    to: BOT_MAILBOX,
    tokenUrl: `${server.url}${tokenPath}`,
    storage: memoryStore(),
    WebSocket: NodeWebSocket as unknown as typeof WebSocket,
    backoff: new Backoff({ baseMs: 50, capMs: 200 }),
  });
  const module = getPostofficeModule(server);
  return {
    transport,
    dropConnection: () => module.dropConnections(),
    openSockets: () => module.openSockets(),
    delivered: (text) => module.visitorTexts().filter((t) => t === text).length,
    dispose: () => server.close(),
  };
}

transportContract(
  'postoffice against the reference router',
  async () => harness(await startServer({ replyDelayMs: 0 })),
  {
    // The site's token endpoint refuses the visitor (here: it does not exist, 404).
    refused: async () => harness(await startServer({ replyDelayMs: 0 }), '/no-token-for-you'),
  },
);
