/**
 * Visitors sending files on the TWIN demo (REST upload with XMLHttpRequest progress): a slow
 * upload shows its progress and can be cancelled; a small one goes through and the bot
 * acknowledges it; a file over the page's limit, or of a type it does not take, is refused with a
 * clear sentence and never uploaded; files dropped on the panel or pasted into the message box
 * are attached like chosen ones.
 */
import { expect, test, Widget } from './fixtures';
import { binaryFile, keepScreenshot, pngFile, TWIN_PAGE, uplinkControl, watchUploads } from './helpers';

const TWIN_UPLOAD = '/api/chats/v1/files';

test('a slow upload shows progress and can be cancelled; a small one is sent and acknowledged', async ({
  page,
  backend,
}, testInfo) => {
  // setup: the TWIN demo over a slow uplink (64 KB/s), through Chrome DevTools Protocol
  await page.goto(`${backend.url}${TWIN_PAGE}`);
  const widget = new Widget(page);
  await widget.open();
  await expect(widget.log.getByText(/I am the TWIN demo bot/)).toBeVisible();
  const uplink = await uplinkControl(page);
  await uplink(64 * 1024);
  const uploads = watchUploads(page, TWIN_UPLOAD);

  // when: the visitor attaches a 1.5 MB file with the attach button
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach a file' }).click();
  await (await chooser).setFiles(binaryFile('big.pdf', 1536 * 1024));

  // then: its progress bar moves
  const bar = page.getByRole('progressbar', { name: 'Uploading big.pdf' });
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
  expect(Number(await bar.getAttribute('aria-valuenow'))).toBeLessThan(100);
  // and sending now waits, keeping the text
  await widget.send('here it comes');
  await expect(page.getByText('Wait for the upload to finish, then send.')).toBeVisible();
  await expect(widget.composer).toHaveValue('here it comes');
  await keepScreenshot(page, testInfo, 'uploading');

  // when: the visitor cancels it
  await page.getByRole('button', { name: 'Cancel upload of big.pdf' }).click();
  // then: it is gone, and its request was aborted rather than finished
  await expect(page.getByRole('list', { name: 'Files to send' })).toHaveCount(0);
  await expect(bar).toHaveCount(0);
  await expect(page.getByText('Wait for the upload to finish, then send.')).toHaveCount(0);
  await expect.poll(() => uploads.ended).toEqual(['failed']);

  // when: back on a normal uplink, a small file is attached and sent on its own
  await uplink(-1);
  await widget.composer.fill('');
  const chooser2 = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach a file' }).click();
  await (await chooser2).setFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('hello'),
  });
  await expect(page.getByRole('button', { name: 'Remove notes.txt' })).toBeVisible();
  await widget.sendButton.click();

  // then: the visitor's message shows the file, and the bot acknowledges it
  await expect(widget.log.getByRole('link', { name: /Download notes\.txt/ })).toBeVisible();
  await expect(widget.log.getByText('Thanks, I received notes.txt.')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Files to send' })).toHaveCount(0);
  expect(uploads.ended).toEqual(['failed', 'ok 201']);
});

test('a file over data-max-upload-mb, or of a type the page does not accept, is refused clearly', async ({
  page,
  backend,
}) => {
  // setup: a page that takes images, PDF and text up to 1 MB
  await page.goto(`${backend.url}/e2e/pages/twin-limits.html`);
  const widget = new Widget(page);
  await widget.open();
  const input = page.locator('input[type="file"]');
  await expect(input).toHaveAttribute('accept', 'image/*,.pdf,.txt');
  const uploads = watchUploads(page, TWIN_UPLOAD);

  // when: a 1.5 MB PDF is chosen
  await input.setInputFiles(binaryFile('photo.pdf', 1536 * 1024));
  // then: a polite, clear refusal; nothing in the tray, nothing uploaded
  const status = page.getByRole('status').filter({ hasText: 'too large' });
  await expect(status).toHaveText('photo.pdf is too large (max 1 MB).');
  await expect(page.getByRole('list', { name: 'Files to send' })).toHaveCount(0);

  // when: a type the page does not accept is chosen
  await input.setInputFiles(binaryFile('setup.exe', 2048, 'application/x-msdownload'));
  // then
  await expect(page.getByText('setup.exe is not an accepted file type.')).toBeVisible();
  await expect(page.getByText(/too large/)).toHaveCount(0);
  expect(uploads.started()).toBe(0);
});

test('files dropped on the panel or pasted into the message box are attached', async ({ page, backend }) => {
  // setup
  await page.goto(`${backend.url}${TWIN_PAGE}`);
  const widget = new Widget(page);
  await widget.open();
  const files = (name: string, type: string) =>
    page.evaluateHandle(
      ([n, t]) => {
        const data = new DataTransfer();
        data.items.add(new File(['%PDF-1.4 test'], n!, { type: t! }));
        return data;
      },
      [name, type],
    );

  // when: a file is dragged over the panel
  const dataTransfer = await files('plan.pdf', 'application/pdf');
  await widget.dialog.dispatchEvent('dragenter', { dataTransfer });
  // then: the drop hint shows
  await expect(page.getByText('Drop files to attach them')).toBeVisible();
  // when: it is dropped
  await widget.dialog.dispatchEvent('drop', { dataTransfer });
  // then: the hint goes and the file uploads
  await expect(page.getByText('Drop files to attach them')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Remove plan.pdf' })).toBeVisible();

  // when: an image is pasted into the message box
  const png = pngFile('screenshot.png');
  await widget.composer.evaluate(
    (box, { name, type, bytes }) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name, { type }));
      box.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    },
    { name: png.name, type: png.mimeType, bytes: [...png.buffer] },
  );
  // then: it joins the tray
  await expect(page.getByRole('button', { name: 'Remove screenshot.png' })).toBeVisible();
  const tray = page.getByRole('list', { name: 'Files to send' });
  await expect(tray.getByRole('listitem')).toHaveCount(2);
  // with its preview drawn from the local blob: URL (allowed by the page's img-src)
  await expect.poll(() => tray.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(96);
});
