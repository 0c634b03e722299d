/**
 * What the product's current ws-chat server adds, in a real browser against the reference server
 * playing it: an agent taking over (typing, name, header), the bot working, system notices, hidden
 * tool messages, pictures both ways through the upload call, a slow upload's progress and its
 * cancel, a refused message with its reason,
 * the end of a session and a new one, and the visitor's details in the token call.
 */
import { expect, test, Widget, wsChatOf, wsChatTexts } from './fixtures';
import { binaryFile, pngFile, uplinkControl, watchUploads } from './helpers';

test.use({ serverOptions: { replyDelayMs: 150, wsChatProtocol: 'envelope' } });

test('an agent takes over: header and name; system notices show, tool messages do not', async ({
  page,
  backend,
}) => {
  await page.goto(`${backend.url}/demo.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('system');
  await expect(widget.log.locator('.notice--system')).toHaveText(/may be recorded/);
  await widget.send('tool');
  await expect(widget.log.getByText('I looked it up: there are no open orders.')).toBeVisible();
  await expect(widget.log.getByText(/orders\.lookup/)).toHaveCount(0);

  // (The agent's typing shows for a moment only: the adapter's tests check agentTyping, not a window here.)
  await widget.send('operator');
  await expect(widget.log.getByText('Hi, I am Anna. How can I help?')).toBeVisible();
  // Live events name the agent by id only: the history call tells the name before the message shows.
  await expect(widget.log.locator('.msg__name', { hasText: 'Anna' })).toHaveCount(1);
  await expect(page.getByText('Anna is answering')).toBeVisible();
  // After a reload the history names the agent.
  await page.reload();
  await widget.open();
  await expect(widget.log.getByText('Hi, I am Anna. How can I help?')).toHaveCount(1);
  await expect(widget.log.locator('.msg__name', { hasText: 'Anna' })).toHaveCount(1);
});

test('pictures both ways: an upload with the Bearer token, and one from the bot', async ({
  page,
  backend,
}) => {
  await page.goto(`${backend.url}/demo.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('image');
  await expect(widget.log.getByRole('button', { name: 'Open image: picture.png' })).toBeVisible();

  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach a file' }).click();
  await (await chooser).setFiles(pngFile('mine.png'));
  // Uploaded: its button removes a finished file (no progress bar is no proof: the upload code may
  // still be loading, and a send before the upload ends is refused with a note).
  await expect(page.getByRole('button', { name: 'Remove mine.png' })).toBeVisible();
  await widget.send('my picture');
  await expect(widget.log.getByText('You said: my picture')).toBeVisible();
  const [conversation] = wsChatOf(backend).state.allConversations();
  const mine = conversation!.messages.find((m) => m.text === 'my picture');
  expect(mine?.attachments).toMatchObject([{ type: 'IMAGE', name: 'mine.png' }]);
  await expect(widget.log.getByRole('button', { name: 'Open image: mine.png' })).toBeVisible();
});

test('a slow upload shows progress and can be cancelled; the server keeps only what was sent', async ({
  page,
  backend,
}) => {
  await page.goto(`${backend.url}/demo.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('hi');
  await expect(widget.log.getByText('You said: hi')).toBeVisible();
  const uploads = watchUploads(page, '/api/v1/files/upload');
  // A slow uplink (64 KB/s).
  const uplink = await uplinkControl(page);
  await uplink(64 * 1024);

  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach a file' }).click();
  await (await chooser).setFiles(binaryFile('big.pdf', 1536 * 1024));
  const bar = page.getByRole('progressbar', { name: 'Uploading big.pdf' });
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
  expect(Number(await bar.getAttribute('aria-valuenow'))).toBeLessThan(100);
  await page.getByRole('button', { name: 'Cancel upload of big.pdf' }).click();
  await expect(bar).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Files to send' })).toHaveCount(0);
  await expect.poll(() => uploads.ended).toEqual(['failed']);

  await uplink(-1);
  const chooser2 = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach a file' }).click();
  await (await chooser2).setFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('hello'),
  });
  await expect(page.getByRole('button', { name: 'Remove notes.txt' })).toBeVisible();
  await widget.sendButton.click();
  await expect(widget.log.getByRole('link', { name: /Download notes\.txt/ })).toBeVisible();
  await expect(widget.log.getByText('I received your message.')).toBeVisible();
  expect(uploads.ended).toEqual(['failed', 'ok 200']);
  const files = [...wsChatOf(backend).state.files.values()].map((f) => f.name);
  expect(files).toEqual(['notes.txt']);
  const [conversation] = wsChatOf(backend).state.allConversations();
  expect(conversation!.messages.find((m) => m.attachments.length)?.attachments).toMatchObject([
    { type: 'FILE', name: 'notes.txt', sizeKb: 1 },
  ]);
});

test('a message the server refuses says why, and the conversation goes on', async ({ page, backend }) => {
  await page.goto(`${backend.url}/demo.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('x'.repeat(9000));
  await expect(widget.log.getByText('Not sent')).toBeVisible();
  await expect(widget.log.getByText(/longer than 8 KB/)).toBeVisible();
  await widget.send('short');
  await expect(widget.log.getByText('You said: short')).toBeVisible();
  expect(wsChatTexts(backend)).toEqual(['short']);
});

test('the end of a session, then a new one', async ({ page, backend }) => {
  await page.goto(`${backend.url}/demo.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('end');
  await expect(page.getByText('This conversation has ended.').first()).toBeVisible();
  await page.getByRole('button', { name: 'Start a new conversation' }).click();
  await widget.send('hello again');
  await expect(widget.log.getByText('You said: hello again')).toBeVisible();
  expect(
    wsChatOf(backend)
      .state.allConversations()
      .map((c) => c.status),
  ).toEqual(['CLOSED', 'OPEN']);
});

test('data-email, data-phone and data-metadata (with Parley.setMetadata) reach the token call', async ({
  page,
  backend,
}) => {
  await page.goto(`${backend.url}/e2e/pages/ws-chat-details.html`);
  const widget = new Widget(page);
  await widget.open();
  await widget.send('hi');
  await expect(widget.log.getByText('You said: hi')).toBeVisible();
  const [conversation] = wsChatOf(backend).state.allConversations();
  const customer = wsChatOf(backend).state.customer(conversation!.customerId);
  expect(customer).toMatchObject({
    name: 'Ann Example',
    email: 'ann@example.com',
    phone: '+44 20 7946 0000',
    metadata: { plan: 'pro', seats: '3', page: 'pricing' },
  });
});
