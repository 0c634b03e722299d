import { type ContractHarness, transportContract } from '../contract';
import { EmulatorAdapter } from './adapter';

function harness(transport: EmulatorAdapter): ContractHarness {
  return {
    transport,
    dropConnection: () => transport.drop(),
    openSockets: () => (transport.status === 'connected' ? 1 : 0),
    delivered: (text) => transport.delivered(text),
    dispose: () => {},
  };
}

transportContract(
  'emulator',
  async () => harness(new EmulatorAdapter({ reply: (text) => `echo: ${text}` })),
  {
    refused: async () => harness(new EmulatorAdapter({ refuseConnect: true })),
  },
);
