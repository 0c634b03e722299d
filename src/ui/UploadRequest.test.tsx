import { act, cleanup, fireEvent, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorAdapter } from '../transports/emulator/adapter';
import { mountWidget } from './test-helpers';

afterEach(cleanup);

describe('a backend that takes files only when it asks for one', () => {
  it('shows the paper clip, for the asked types, from the request until the visitor answers', () => {
    const transport = new EmulatorAdapter({ capabilities: { uploads: { onRequest: true } } });
    const { store } = mountWidget(transport);
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    expect(screen.queryByRole('button', { name: 'Attach a file' })).toBeNull();

    act(() => {
      transport.receive({ text: 'Send me a PDF', uploadRequest: { accept: ['.pdf'], maxBytes: 1000 } });
    });
    const clip = screen.getByRole('button', { name: 'Attach a file' });
    const input = clip.parentElement?.querySelector('input[type="file"]');
    expect(input?.getAttribute('accept')).toBe('.pdf');

    act(() => {
      store.send('I have none');
    });
    expect(screen.queryByRole('button', { name: 'Attach a file' })).toBeNull();
  });

  it('keeps the paper clip of a backend that always takes files', () => {
    mountWidget(new EmulatorAdapter());
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    expect(screen.getByRole('button', { name: 'Attach a file' })).toBeTruthy();
  });
});
