import { cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EmulatorAdapter, type EmulatorOptions } from '../transports/emulator/adapter';
import { loadAllParts } from './on-demand';
import { mountWidget } from './test-helpers';
import { file, fileInput } from './upload-test-helpers';

// What files and the viewer show, not how their code arrives (e2e/chunks.spec.ts holds that).
beforeAll(loadAllParts);

afterEach(cleanup);

/** Uploads that come back with a URL, so the visitor's message can show the file. */
class LinkingEmulator extends EmulatorAdapter {
  override async upload(...args: Parameters<EmulatorAdapter['upload']>) {
    const result = await super.upload(...args);
    return { ...result, url: `https://files.example.com/${result.id}/${result.name}` };
  }
}

function open(o: EmulatorOptions = {}, lang = 'en') {
  const env = mountWidget(new LinkingEmulator(o), { lang });
  const openName = { en: 'Open chat', zh: '打开聊天', ru: 'Открыть чат' }[lang] ?? 'Open chat';
  fireEvent.click(screen.getByRole('button', { name: openName }));
  return { ...env, dialog: screen.getByRole('dialog'), box: screen.getByRole('textbox') };
}

describe('attach button', () => {
  it('opens the file chooser, which takes several files of the accepted types', () => {
    open({ capabilities: { uploads: { accept: ['image/*', '.pdf'] } } });
    const input = fileInput();
    expect(input.multiple).toBe(true);
    expect(input.accept).toBe('image/*,.pdf');
    const click = vi.spyOn(input, 'click').mockImplementation(() => {});
    fireEvent.click(screen.getByRole('button', { name: 'Attach a file' }));
    expect(click).toHaveBeenCalledTimes(1);
  });

  it('is absent when the backend takes no files', () => {
    const { dialog } = open({ capabilities: { uploads: false } });
    expect(screen.queryByRole('button', { name: 'Attach a file' })).toBeNull();
    expect(dialog.querySelector('input[type="file"]')).toBeNull();
  });

  it('is named in the visitor language', () => {
    open({}, 'zh');
    expect(screen.getByRole('button', { name: '添加附件' })).toBeTruthy();
    cleanup();
    open({}, 'ru');
    expect(screen.getByRole('button', { name: 'Прикрепить файл' })).toBeTruthy();
  });
});

describe('pasting and dropping files', () => {
  it('attaches an image pasted into the message box', async () => {
    const { store, box } = open();
    fireEvent.paste(box, { clipboardData: { files: [file('shot.png', 'image/png')], types: ['Files'] } });
    expect(await screen.findByRole('button', { name: 'Remove shot.png' })).toBeTruthy();
    expect(store.uploads.items.value.map((u) => u.name)).toEqual(['shot.png']);
  });

  it('leaves a text paste alone', () => {
    const { store, box } = open();
    fireEvent.paste(box, { clipboardData: { files: [], types: ['text/plain'] } });
    expect(store.uploads.items.value).toEqual([]);
  });

  it('shows a hint while files are dragged over the panel and attaches what is dropped', async () => {
    const { dialog, store } = open();
    const dataTransfer = { types: ['Files'], files: [file('plan.pdf', 'application/pdf')], dropEffect: '' };
    fireEvent.dragEnter(dialog, { dataTransfer });
    expect(screen.getByText('Drop files to attach them')).toBeTruthy();
    // Crossing into a child and back out of it must not hide the hint.
    const log = screen.getByRole('log');
    fireEvent.dragEnter(log, { dataTransfer });
    fireEvent.dragLeave(log, { dataTransfer });
    expect(screen.getByText('Drop files to attach them')).toBeTruthy();
    fireEvent.drop(dialog, { dataTransfer });
    expect(screen.queryByText('Drop files to attach them')).toBeNull();
    expect(await screen.findByRole('button', { name: 'Remove plan.pdf' })).toBeTruthy();
    expect(store.uploads.items.value).toHaveLength(1);
  });

  it('ignores a drag that carries no files', () => {
    const { dialog } = open();
    fireEvent.dragEnter(dialog, { dataTransfer: { types: ['text/plain'], files: [] } });
    expect(screen.queryByText('Drop files to attach them')).toBeNull();
  });

  it('shows an image the visitor sent as a thumbnail that opens the viewer', async () => {
    const { box } = open();
    fireEvent.paste(box, { clipboardData: { files: [file('shot.png', 'image/png')], types: ['Files'] } });
    await screen.findByRole('button', { name: 'Remove shot.png' });
    fireEvent.keyDown(box, { key: 'Enter' });
    const log = screen.getByRole('log');
    const thumb = within(log).getByRole('button', { name: 'Open image: shot.png' });
    expect(thumb.closest('.msg--out')).toBeTruthy();
    fireEvent.click(thumb);
    expect(await screen.findByRole('dialog', { name: 'Image: shot.png' })).toBeTruthy();
  });
});
