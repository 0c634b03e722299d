/**
 * The shared adapter contract against real nginx + nchan, in both channel layouts: our split,
 * buffered pair and seed 004's single echoing channel.
 */
import { afterAll, beforeAll } from 'vitest';
import { type ContractHarness, transportContract } from '../contract';
import {
  type AdapterProbe,
  type NchanStack,
  nchanAdapter,
  startNchanStack,
  TrackedWebSocket,
} from './test-stack';

let stack: NchanStack;
beforeAll(async () => {
  stack = await startNchanStack();
}, 30_000);
afterAll(() => stack?.close());

/**
 * The visitor's sockets end at nginx, so they are counted and cut on the client side: every socket
 * the adapter opened is a TrackedWebSocket.
 */
function harness(probe: AdapterProbe): ContractHarness {
  const mine = () => TrackedWebSocket.all.slice(before);
  const before = TrackedWebSocket.all.length;
  return {
    transport: probe.adapter,
    dropConnection: () => {
      for (const ws of mine()) ws.terminate();
    },
    openSockets: () => mine().filter((ws) => ws.readyState === TrackedWebSocket.OPEN).length,
    delivered: (text) => stack.module.visitorTexts().filter((t) => t === text).length,
    dispose: () => {},
  };
}

transportContract('nchan, split channel pair against nginx', async () => harness(nchanAdapter(stack)));

transportContract('nchan, seed 004 single channel against nginx', async () =>
  harness(nchanAdapter(stack, { channelPath: '/single/{id}' })),
);
