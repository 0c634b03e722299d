/**
 * The shared adapter contract against real nginx + nchan, in both channel layouts: our split,
 * buffered pair and seed 004's single echoing channel.
 */
import { afterAll, beforeAll } from 'vitest';
import { transportContract } from '../contract';
import { type NchanStack, nchanAdapter, startNchanStack } from './test-stack';

let stack: NchanStack;
beforeAll(async () => {
  stack = await startNchanStack();
}, 30_000);
afterAll(() => stack?.close());

transportContract('nchan, split channel pair against nginx', async () => ({
  transport: nchanAdapter(stack).adapter,
  dispose: () => {},
}));

transportContract('nchan, seed 004 single channel against nginx', async () => ({
  transport: nchanAdapter(stack, { channelPath: '/single/{id}' }).adapter,
  dispose: () => {},
}));
