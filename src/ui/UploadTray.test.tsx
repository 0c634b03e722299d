import { act, cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { loadAllParts } from './on-demand';
import { mountWidget } from './test-helpers';
import { choose, file, sized } from './upload-test-helpers';

// What files and the viewer show, not how their code arrives (e2e/chunks.spec.ts holds that).
beforeAll(loadAllParts);

afterEach(cleanup);

/** The emulator's uploads have no URL, and the store shows only files it can link to. */
class LinkingEmulator extends EmulatorAdapter {
  override async upload(...args: Parameters<EmulatorAdapter['upload']>) {
    const result = await super.upload(...args);
    return { ...result, url: `https://files.example.com/${result.id}/${result.name}` };
  }
}

function open(uploadMode: EmulatorAdapter['uploadMode'] = 'hold', lang = 'en') {
  const transport = new LinkingEmulator();
  transport.uploadMode = uploadMode;
  const env = mountWidget(transport, { lang });
  fireEvent.click(screen.getByRole('button', { name: lang === 'ru' ? 'Открыть чат' : 'Open chat' }));
  const box = screen.getByRole('textbox') as HTMLTextAreaElement;
  const status = () => screen.getByRole('dialog').querySelector('.tray__notes') as HTMLElement;
  return { ...env, box, status, log: () => screen.getByRole('log') };
}

/** The list's code loads the first time a file is attached (ui/on-demand.ts): found, not got. */
const tray = () => screen.findByRole('list', { name: 'Files to send' });

describe('upload tray', () => {
  it('shows each file with its name, size and a named progress bar while it uploads', async () => {
    open('hold');
    choose(file('report.pdf', 'application/pdf', 2048));
    const item = within(await tray()).getByRole('listitem');
    expect(within(item).getByText('report.pdf')).toBeTruthy();
    expect(within(item).getByText('2 kB')).toBeTruthy();
    const bar = within(item).getByRole('progressbar', {
      name: 'Uploading report.pdf',
    }) as HTMLProgressElement;
    expect(bar.value).toBe(50);
    expect(bar.getAttribute('aria-valuenow')).toBe('50');
  });

  it('cancels an upload in flight with its Cancel button', async () => {
    const { store } = open('hold');
    choose(file('report.pdf', 'application/pdf'));
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel upload of report.pdf' }));
    expect(screen.queryByRole('list', { name: 'Files to send' })).toBeNull();
    expect(store.uploads.items.value).toEqual([]);
  });

  it('keeps the text and says it waits while a file uploads; then sends text and file together', async () => {
    const { transport, box, status, log } = open('hold');
    choose(file('report.pdf', 'application/pdf'));
    fireEvent.input(box, { target: { value: 'see attached' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('see attached');
    expect(transport.sent).toEqual([]);
    expect(within(status()).getByText('Wait for the upload to finish, then send.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Send' }).getAttribute('aria-disabled')).toBe('true');

    await tray(); // the upload runs once its code is there (store/attach.ts)
    act(() => transport.finishUploads());
    await screen.findByRole('button', { name: 'Remove report.pdf' });
    expect(within(status()).queryByText(/Wait for the upload/)).toBeNull();
    expect(screen.queryByRole('progressbar')).toBeNull();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(transport.sent.map((m) => [m.text, m.attachmentIds])).toEqual([['see attached', ['file-1']]]);
    expect(box.value).toBe('');
    expect(screen.queryByRole('list', { name: 'Files to send' })).toBeNull();
    const msg = within(log()).getByText('see attached').closest('.msg') as HTMLElement;
    expect(within(msg).getByRole('link', { name: /Download report\.pdf/ })).toBeTruthy();
  });

  it('sends files alone with the Send button, and shows them on the visitor message', async () => {
    const { transport, log } = open('instant');
    choose(file('notes.txt', 'text/plain', 10));
    await screen.findByRole('button', { name: 'Remove notes.txt' });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0]!.text).toBe('');
    expect(transport.sent[0]!.attachmentIds).toEqual(['file-1']);
    const link = within(log()).getByRole('link', { name: /Download notes\.txt/ });
    expect(link.closest('.msg--out')).toBeTruthy();
    expect(link.getAttribute('href')).toBe('https://files.example.com/file-1/notes.txt');
  });

  it('removes a finished file before sending', async () => {
    const { transport } = open('instant');
    choose(file('a.txt', 'text/plain'), file('b.txt', 'text/plain'));
    fireEvent.click(await screen.findByRole('button', { name: 'Remove a.txt' }));
    expect(within(await tray()).getAllByRole('listitem')).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(transport.sent[0]!.attachmentIds).toHaveLength(1);
  });

  it('marks a refused upload failed, announces it, and uploads it again on Retry', async () => {
    const { transport, status } = open('refuse');
    choose(file('scan.pdf', 'application/pdf'));
    const item = await within(await tray()).findByText('Upload failed');
    expect(item).toBeTruthy();
    expect(within(status()).getByText('Could not upload scan.pdf.')).toBeTruthy();
    transport.uploadMode = 'instant';
    fireEvent.click(screen.getByRole('button', { name: 'Retry upload of scan.pdf' }));
    await screen.findByRole('button', { name: 'Remove scan.pdf' });
    expect(within(status()).queryByText(/Could not upload/)).toBeNull();
  });

  it('explains refused files in a polite status region that was there before', async () => {
    const { status } = open('instant');
    const region = status();
    expect(region.getAttribute('role')).toBe('status');
    choose(sized('photo.png', 'image/png', 11 * 1024 * 1024));
    expect(await within(region).findByText('photo.png is too large (max 10 MB).')).toBeTruthy();
    expect(screen.queryByRole('list', { name: 'Files to send' })).toBeNull();
  });

  it('explains a refused type in the visitor language', async () => {
    const transport = new EmulatorAdapter({ capabilities: { uploads: { accept: ['image/*'] } } });
    mountWidget(transport, { lang: 'ru' });
    fireEvent.click(screen.getByRole('button', { name: 'Открыть чат' }));
    choose(file('tool.exe', 'application/x-msdownload'));
    expect(await screen.findByText('Файлы такого типа не принимаются: tool.exe.')).toBeTruthy();
  });

  it('shows an image preview from its blob: URL', async () => {
    const created = URL.createObjectURL;
    const revoked = URL.revokeObjectURL;
    URL.createObjectURL = () => `blob:${location.origin}/preview-1`;
    URL.revokeObjectURL = () => {};
    try {
      open('hold');
      choose(file('cat.png', 'image/png'));
      const img = within(await tray())
        .getByRole('listitem')
        .querySelector('img');
      expect(img?.getAttribute('src')).toBe(`blob:${location.origin}/preview-1`);
      expect(img?.getAttribute('alt')).toBe('');
    } finally {
      URL.createObjectURL = created;
      URL.revokeObjectURL = revoked;
    }
  });
});

describe('file names the visitor picked (issue 8, bidi spoofing)', () => {
  const RLO = '\u202E';

  it('show their bidi controls in the tray, its buttons and a refusal', async () => {
    const { status } = open('hold');
    choose(file(`invoice${RLO}fdp.exe`, 'application/octet-stream'));
    const item = within(await tray()).getByRole('listitem');
    expect(item.querySelector('.upload__name')?.textContent).toBe('invoice\uFFFDfdp.exe');
    expect(within(item).getByRole('button', { name: 'Cancel upload of invoice\uFFFDfdp.exe' })).toBeTruthy();
    choose(sized(`big${RLO}gnp.exe`, 'application/octet-stream', 11 * 1024 * 1024));
    expect(await within(status()).findByText('big\uFFFDgnp.exe is too large (max 10 MB).')).toBeTruthy();
  });
});
