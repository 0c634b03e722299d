/**
 * The shared adapter contract against real nginx + nchan, in both channel layouts: our split,
 * buffered pair and seed 004's single echoing channel.
 */
import { randomId } from '../../core/ids';
import { memoryStore } from '../../core/storage';
import { type ContractHarness, transportContract } from '../contract';
import { type AdapterProbe, nchanAdapter, TrackedWebSocket, useNchanStack } from './test-stack';

const nchanStack = useNchanStack();

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
    delivered: (text) =>
      nchanStack()
        .module.visitorTexts()
        .filter((t) => t === text).length,
    dispose: () => {},
  };
}

/** A conversation the authorize hook refuses (403): the failed path. */
function refused(channelPath: string) {
  return async () => {
    const storage = memoryStore();
    const id = `refused-${randomId()}`;
    storage.set('conversation', id);
    nchanStack().module.refuse(id);
    return harness(nchanAdapter(nchanStack(), { storage, channelPath }));
  };
}

transportContract(
  'nchan, split channel pair against nginx',
  async () => harness(nchanAdapter(nchanStack())),
  {
    refused: refused('/chat/{id}'),
  },
);

transportContract(
  'nchan, seed 004 single channel against nginx',
  async () => harness(nchanAdapter(nchanStack(), { channelPath: '/single/{id}' })),
  { refused: refused('/single/{id}') },
);
