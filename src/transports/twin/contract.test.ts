// @vitest-environment node
import { WebSocket } from 'ws';
import { startTwinTestServer, type TwinTestServer } from '../../../server/twin/testing';
import { memoryStore } from '../../core/storage';
import { type ContractHarness, transportContract } from '../contract';
import { createTwinAdapter } from './adapter';

/** Every Socket.IO generation the reference module runs, each with the client generation it takes. */
const GENERATIONS = [
  { label: 'socket.io 2.5.1, EIO 3', server: { twinSocketIo: 2 }, eio: 3 },
  { label: 'socket.io 4.8.4, EIO 4', server: { twinSocketIo: 4 }, eio: 4 },
  {
    label: 'socket.io 4.8.4 with allowEIO3, EIO 3',
    server: { twinSocketIo: 4, twinAllowEio3: true },
    eio: 3,
  },
] as const;

function harness(server: TwinTestServer, eio: 3 | 4, chatId = 'demo'): ContractHarness {
  const transport = createTwinAdapter({
    server: server.url,
    chatId,
    eio,
    storage: memoryStore(),
    WebSocket,
    backoff: { baseMs: 50, capMs: 200 },
  });
  return {
    transport,
    dropConnection: () => server.module.dropConnections(),
    openSockets: () => server.module.openSockets(),
    delivered: (text) => server.module.visitorTexts().filter((t) => t === text).length,
    dispose: () => server.close(),
  };
}

for (const g of GENERATIONS) {
  transportContract(
    `twin against the reference module (${g.label})`,
    async () => harness(await startTwinTestServer({ ...g.server }), g.eio),
    { refused: async () => harness(await startTwinTestServer({ ...g.server }), g.eio, 'no-such-chat') },
  );
}
