/**
 * `npm run bench`: numbers, not assertions. Prints how fast the hot paths are so a change can be
 * compared before/after (run it twice; the machine has 2 cores and other work on them).
 *
 * 1. decoding ws-chat frames (every incoming frame goes through it);
 * 2. the store receiving a long conversation (dedupe scans the list on every message);
 * 3. in Chromium, with the built script and the reference server: time from navigation to the
 *    launcher, and from Enter to the bot's answer on screen.
 */
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../e2e/chromium';
import { startServer } from '../server/index';
import { memoryStore } from '../src/core/storage';
import { createChatStore } from '../src/store/chat-store';
import { EmulatorAdapter } from '../src/transports/emulator/adapter';
import { parseFrame } from '../src/transports/ws-chat/protocol';
import { decodeFlatFrame } from '../src/transports/ws-chat/protocol-flat';

function time(label: string, runs: number, fn: () => void): void {
  fn(); // warm up
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  const ms = performance.now() - start;
  console.log(`${label}: ${((ms * 1000) / runs).toFixed(2)} µs/op (${runs} runs, ${ms.toFixed(0)} ms)`);
}

const frame = JSON.stringify({
  channel: 'WEB',
  conversationId: 'c-1',
  senderId: 'bot',
  content: 'A typical answer of a few dozen words, with a link https://example.com/help and some more text.',
  timestamp: new Date().toISOString(),
  id: 'm-1',
});
time('ws-chat decodeFrame', 100_000, () => {
  const parsed = parseFrame(frame);
  if (parsed) decodeFlatFrame(parsed, 'customer');
});

{
  const transport = new EmulatorAdapter();
  const store = createChatStore({ transport, storage: memoryStore() });
  let n = 0;
  time('store receives a message (conversation grows to 2000)', 2000, () => {
    transport.receive({ id: `m-${n++}`, text: 'hello' });
  });
  store.dispose();
}

const server = await startServer({ replyDelayMs: 0 });
const browser = await chromium.launch(chromiumLaunchOptions);
try {
  const loads: number[] = [];
  const roundTrips: number[] = [];
  for (let i = 0; i < 5; i++) {
    const page = await browser.newPage();
    const t0 = Date.now();
    await page.goto(`${server.url}/demo.html`);
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    loads.push(Date.now() - t0);
    await launcher.click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill(`ping ${i}`);
    const t1 = Date.now();
    await box.press('Enter');
    await page.getByRole('log').getByText(`You said: ping ${i}`).waitFor();
    roundTrips.push(Date.now() - t1);
    await page.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`navigation → launcher visible: median ${median(loads)} ms (${loads.join(', ')})`);
  console.log(
    `Enter → bot answer on screen (new customer each run): median ${median(roundTrips)} ms (${roundTrips.join(', ')})`,
  );
} finally {
  await browser.close();
  await server.close();
}
