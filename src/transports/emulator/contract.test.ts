import { transportContract } from '../contract';
import { EmulatorAdapter } from './adapter';

transportContract('emulator', async () => {
  const transport = new EmulatorAdapter({ reply: (text) => `echo: ${text}` });
  return { transport, dispose: () => {} };
});
