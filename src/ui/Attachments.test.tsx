import { act, cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Attachment } from '../core/types';
import { EmulatorAdapter, type EmulatorOptions } from '../transports/emulator/adapter';
import { loadAllParts } from './on-demand';
import { type MountOptions, mountWidget } from './test-helpers';

// What files and the viewer show, not how their code arrives (e2e/chunks.spec.ts holds that).
beforeAll(loadAllParts);

const setup = (o: MountOptions & { emulator?: EmulatorOptions } = {}) =>
  mountWidget(new EmulatorAdapter(o.emulator), o);

afterEach(cleanup);

function receive(attachments: Attachment[], text = '') {
  const env = setup();
  fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
  act(() => void env.transport.receive({ text, attachments }));
  return { ...env, log: screen.getByRole('log') };
}

describe('image attachments', () => {
  const photo: Attachment = {
    name: 'cat.png',
    url: 'https://cdn.example.com/cat.png',
    contentType: 'image/png',
    width: 800,
    height: 600,
  };

  it('shows a thumbnail with its real aspect ratio, set through the CSSOM', () => {
    const { log } = receive([photo]);
    const thumb = within(log).getByRole('button', { name: 'Open image: cat.png' });
    expect(thumb.style.getPropertyValue('--_ratio')).toBe('800 / 600');
    expect(thumb.getAttribute('style')).not.toContain('url(');
    expect(thumb.querySelector('img')?.getAttribute('src')).toBe('https://cdn.example.com/cat.png');
  });

  it('opens an accessible viewer; Escape closes it (not the panel) and focus returns', async () => {
    const { log } = receive([photo]);
    const thumb = within(log).getByRole('button', { name: 'Open image: cat.png' });
    fireEvent.click(thumb);
    // The viewer's code loads the first time an image is opened (ui/on-demand.ts).
    const viewer = await screen.findByRole('dialog', { name: 'Image: cat.png' });
    expect(viewer.getAttribute('aria-modal')).toBe('true');
    expect(within(viewer).getByRole('img', { name: 'cat.png' })).toBeTruthy();
    expect(document.activeElement).toBe(within(viewer).getByRole('button', { name: 'Close image' }));
    expect(viewer.closest('[role="log"]')).toBeNull();

    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'Image: cat.png' })).toBeNull();
    expect(screen.getByRole('dialog', { name: 'Support' })).toBeTruthy();
    expect(document.activeElement).toBe(thumb);
  });

  it('stays open while new messages arrive', async () => {
    const { log, transport } = receive([photo]);
    fireEvent.click(within(log).getByRole('button', { name: 'Open image: cat.png' }));
    await screen.findByRole('dialog', { name: 'Image: cat.png' });
    act(() => void transport.receive({ text: 'another one' }));
    expect(screen.getByRole('dialog', { name: 'Image: cat.png' })).toBeTruthy();
    expect(within(log).getByText('another one')).toBeTruthy();
  });

  it('keeps Tab inside the viewer', async () => {
    const { log } = receive([photo]);
    fireEvent.click(within(log).getByRole('button', { name: 'Open image: cat.png' }));
    const viewer = await screen.findByRole('dialog', { name: 'Image: cat.png' });
    const close = within(viewer).getByRole('button', { name: 'Close image' });
    const download = within(viewer).getByRole('link', { name: 'Download cat.png' });
    fireEvent.keyDown(close, { key: 'Tab' });
    expect(document.activeElement).toBe(download);
    fireEvent.keyDown(download, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(close);
  });

  it('never puts an unsafe URL in src: the image becomes a card without a link', () => {
    const { log } = receive([{ name: 'x.png', url: 'javascript:alert(1)', contentType: 'image/png' }]);
    expect(log.querySelector('img')).toBeNull();
    expect(within(log).queryByRole('link')).toBeNull();
    expect(within(log).getByText('x.png')).toBeTruthy();
  });

  it('treats SVG as a file, not an inline image', () => {
    const { log } = receive([
      { name: 'logo.svg', url: 'https://cdn.example.com/logo.svg', contentType: 'image/svg+xml' },
    ]);
    expect(log.querySelector('img')).toBeNull();
    expect(within(log).getByRole('link', { name: /Download logo\.svg/ })).toBeTruthy();
  });
});

describe('file attachments', () => {
  it('shows name, type and a human-readable size with a download link', () => {
    const { log } = receive([
      {
        name: 'report.pdf',
        url: 'https://cdn.example.com/r.pdf',
        contentType: 'application/pdf',
        size: 1_468_006,
      },
    ]);
    const link = within(log).getByRole('link', { name: 'Download report.pdf, PDF · 1.4 MB' });
    expect(link.getAttribute('href')).toBe('https://cdn.example.com/r.pdf');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(within(link).getByText('report.pdf')).toBeTruthy();
  });

  it('formats sizes in the widget language', () => {
    const env = setup({ lang: 'ru' });
    fireEvent.click(screen.getByRole('button', { name: 'Открыть чат' }));
    act(
      () =>
        void env.transport.receive({
          text: '',
          attachments: [{ name: 'a.zip', url: 'https://x.io/a.zip', size: 2048 }],
        }),
    );
    expect(screen.getByRole('link', { name: /Скачать a\.zip, ZIP · 2\s?кБ/i })).toBeTruthy();
  });
});
