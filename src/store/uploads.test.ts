import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../core/storage';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { accepts } from './attach';
import { createChatStore } from './chat-store';
import { parseAccept } from './uploads';

const file = (name: string, type: string, size = 10) => new File([new Uint8Array(size)], name, { type });
const stores: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.dispose();
});

function setup(limits = { maxBytes: 1000, accept: [] as string[] }) {
  const transport = new EmulatorAdapter();
  const store = createChatStore({ transport, storage: memoryStore(), uploadLimits: limits });
  stores.push(store);
  transport.connect();
  return { transport, store };
}

describe('accept patterns', () => {
  it.each([
    [['image/*'], 'a.png', 'image/png', true],
    [['image/*'], 'a.pdf', 'application/pdf', false],
    [['.pdf'], 'A.PDF', '', true],
    [['application/pdf'], 'a.pdf', 'application/pdf', true],
    [[], 'anything.bin', 'application/octet-stream', true],
  ])('%j accepts %s (%s): %s', (accept, name, type, expected) => {
    expect(accepts(accept, { name, type })).toBe(expected);
  });

  it('reads an accept attribute', () => {
    expect(parseAccept(' image/*, .pdf ,')).toEqual(['image/*', '.pdf']);
  });
});

describe('uploads', () => {
  it('refuses a file over the size limit and a refused type, with a reason each', async () => {
    const { store } = setup({ maxBytes: 100, accept: ['image/*'] });
    const refused = await store.uploads.add([
      file('big.png', 'image/png', 101),
      file('doc.pdf', 'application/pdf'),
    ]);
    expect(refused).toEqual([
      { name: 'big.png', reason: 'too-large' },
      { name: 'doc.pdf', reason: 'type' },
    ]);
    expect(store.uploads.items.value).toEqual([]);
  });

  it('shows progress, then sends the uploaded ids with the next message', async () => {
    const { transport, store } = setup();
    transport.uploadMode = 'hold';
    store.uploads.add([file('photo.png', 'image/png')]);
    await vi.waitFor(() => expect(store.uploads.items.value[0]?.progress).toBe(0.5));
    expect(store.send('here')).toBeNull(); // not while the file is still going up
    transport.finishUploads();
    await vi.waitFor(() => expect(store.uploads.items.value[0]?.state).toBe('done'));
    const msg = store.send('');
    expect(msg?.attachmentIds).toEqual(['file-1']);
    // No URL from this backend: the file still shows on the message (as a card without a link).
    expect(msg?.attachments?.map((a) => a.name)).toEqual(['photo.png']);
    expect(store.uploads.items.value).toEqual([]);
    await vi.waitFor(() => expect(transport.sent[0]?.attachmentIds).toEqual(['file-1']));
  });

  it('holds back a message sent while the code that sends files is still on its way, then sends both', async () => {
    const { transport, store } = setup();
    // (attach.ts is a file of its own in the split build: the file counts as uploading meanwhile.)
    const adding = store.uploads.add([file('a.txt', 'text/plain')]);
    expect(store.uploads.busy.value).toBe(true);
    expect(store.send('with a file')).toBeNull();
    await adding;
    await vi.waitFor(() => expect(store.uploads.ready.value).toHaveLength(1));
    expect(store.send('with a file')?.attachmentIds).toEqual(['file-1']);
    await vi.waitFor(() => expect(transport.sent[0]?.attachmentIds).toEqual(['file-1']));
  });

  it('cancels an upload in flight', async () => {
    const { transport, store } = setup();
    transport.uploadMode = 'hold';
    await store.uploads.add([file('a.txt', 'text/plain')]);
    const key = store.uploads.items.value[0]!.key;
    store.uploads.remove(key);
    transport.finishUploads();
    await Promise.resolve();
    expect(store.uploads.items.value).toEqual([]);
    expect(transport.uploads).toEqual([]);
  });

  it('marks a refused upload failed, and retry uploads it again', async () => {
    const { transport, store } = setup();
    transport.uploadMode = 'refuse';
    store.uploads.add([file('a.txt', 'text/plain')]);
    await vi.waitFor(() => expect(store.uploads.items.value[0]?.state).toBe('failed'));
    expect(store.uploads.items.value[0]?.error).toBe('File refused by the server');
    transport.uploadMode = 'instant';
    store.uploads.retry(store.uploads.items.value[0]!.key);
    await vi.waitFor(() => expect(store.uploads.items.value[0]?.state).toBe('done'));
  });

  it('says uploads are unsupported when the backend takes no files', async () => {
    const transport = new EmulatorAdapter({ capabilities: { uploads: false } });
    const store = createChatStore({ transport, storage: memoryStore() });
    stores.push(store);
    expect(store.uploads.enabled).toBe(false);
    expect(await store.uploads.add([file('a.txt', 'text/plain')])).toEqual([
      { name: 'a.txt', reason: 'unsupported' },
    ]);
  });
});
