// @vitest-environment node
import { WebSocket as NodeWebSocket } from 'ws';
import { startServer } from '../../../server/index';
import { BOT_MAILBOX } from '../../../server/postoffice/bot';
import {
  getPostofficeModule,
  POSTOFFICE_PATH,
  POSTOFFICE_TOKEN_PATH,
} from '../../../server/postoffice/index';
import { Backoff } from '../../core/backoff';
import { memoryStore } from '../../core/storage';
import { transportContract } from '../contract';
import { PostofficeAdapter } from './adapter';

transportContract('postoffice against the reference router', async () => {
  const server = await startServer({ replyDelayMs: 0 });
  const transport = new PostofficeAdapter({
    server: `${server.url}${POSTOFFICE_PATH}`,
    to: BOT_MAILBOX,
    tokenUrl: `${server.url}${POSTOFFICE_TOKEN_PATH}`,
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
});
