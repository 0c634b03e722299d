/**
 * The journeys of e2e/browsers/journeys.spec.ts in WebKitGTK over classic WebDriver
 * (`npm run test:webkit`: vitest with vitest.webkit.config.ts, under xvfb-run): the built widget on
 * pages under the demo's strict CSP (e2e/pages/journey-*.html, which load e2e/pages/watch.js first
 * to record CSP violations and errors, since this driver has no console log), against the real
 * reference server, one per test on an OS-assigned port (a new origin, so no storage is shared).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { startServer } from '../../server/index';
import type { RunningServer } from '../../server/types';
import type { WsChatModule } from '../../server/ws-chat/index';
import { startWebKit, type WebKit } from './driver';
import { WebKitWidget } from './widget';

let webkit: WebKit;
let server: RunningServer | undefined;

beforeAll(async () => {
  webkit = await startWebKit();
});
afterAll(async () => {
  await webkit?.stop();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function visit(page: string): Promise<WebKitWidget> {
  server = await startServer({ replyDelayMs: 50 });
  await webkit.driver.get(`${server.url}/e2e/pages/${page}`);
  return new WebKitWidget(webkit.driver);
}

const visitorTexts = () =>
  (server!.modules.get('ws-chat') as WsChatModule).state
    .allConversations()
    .flatMap((c) => c.messages.filter((m) => m.senderType === 'USER').map((m) => m.text));

test('ws-chat: open, send and get the reply, with no CSP violation under the strict policy', async () => {
  const widget = await visit('journey-ws-chat.html');
  await widget.open();
  await widget.send('hello there');
  await widget.waitForText('You said: hello there');
  expect(await widget.count('hello there')).toBe(1);
  await widget.until(
    async () => (await widget.watch()) && visitorTexts().length === 1,
    'the server to store it',
  );
  expect(visitorTexts()).toEqual(['hello there']);
  expect(await (await widget.get('textarea', 'Message')).getAttribute('value')).toBe('');
  expect(await widget.watch()).toEqual({ violations: [], errors: [] });
  // The watch works in this browser: an image from another origin is refused by img-src.
  await webkit.driver.executeScript("new Image().src = 'https://blocked.invalid/pixel.png'");
  await widget.until(async () => (await widget.watch()).violations.length > 0, 'the img-src violation');
  expect((await widget.watch()).violations).toEqual(['img-src https://blocked.invalid/pixel.png']);
});

test('ws-chat: a reload shows the same conversation, each message once', async () => {
  const widget = await visit('journey-ws-chat.html');
  await widget.open();
  await widget.send('remember me');
  await widget.waitForText('You said: remember me');

  await webkit.driver.navigate().refresh();
  await widget.open();
  await widget.waitForText('You said: remember me');
  await widget.send('and again');
  await widget.waitForText('You said: and again');
  expect(await widget.count('remember me')).toBe(1);
  expect(await widget.count('You said: remember me')).toBe(1);
  expect(visitorTexts()).toEqual(['remember me', 'and again']);
  expect(await widget.watch()).toEqual({ violations: [], errors: [] });
});

test('TWIN: an answer button sends its answer and the bot follows it', async () => {
  const widget = await visit('journey-twin.html');
  await widget.open();
  await widget.waitForText(/I am the TWIN demo bot/);
  await widget.send('help');
  // The "file" answer button under the bot's help message.
  await (await widget.get('[role="log"] button', 'file')).click();
  await widget.waitForText(/^Download /);
  expect(await widget.watch()).toEqual({ violations: [], errors: [] });
});

test('TWIN: a file chosen with the attach button is uploaded, sent and acknowledged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-webkit-'));
  try {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'hello');
    const widget = await visit('journey-twin.html');
    await widget.open();
    await widget.waitForText(/I am the TWIN demo bot/);
    await (await widget.get('input[type="file"]')).sendKeys(file);
    await widget.get('button', 'Remove notes.txt');
    await (await widget.get('button', 'Send')).click();
    await widget.waitForText('Thanks, I received notes.txt.');
    expect(await widget.find('ul', 'Files to send')).toBeNull();
    expect(await widget.watch()).toEqual({ violations: [], errors: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
