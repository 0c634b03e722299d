import { act, cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorAdapter, type EmulatorOptions } from '../transports/emulator/adapter';
import { type MountOptions, mountWidget } from './test-helpers';

const setup = (o: MountOptions & { emulator?: EmulatorOptions } = {}) =>
  mountWidget(new EmulatorAdapter(o.emulator), o);

afterEach(cleanup);

function openWith(o: Parameters<typeof setup>[0] = {}) {
  const env = setup(o);
  fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
  const box = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
  const type = (value: string) => fireEvent.input(box, { target: { value } });
  return { ...env, box, type, log: () => screen.getByRole('log') };
}

describe('Composer', () => {
  it('sends on Enter and clears the box', async () => {
    const { box, type, transport, log, store } = openWith();
    type('Hello there');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(await within(log()).findByText('Hello there')).toBeTruthy();
    expect(box.value).toBe('');
    expect(store.draft.value).toBe('');
    expect(transport.sent.map((m) => m.text)).toEqual(['Hello there']);
  });

  it('does not send on Shift+Enter', () => {
    const { box, type, transport } = openWith();
    type('line one');
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(transport.sent).toEqual([]);
    expect(box.value).toBe('line one');
  });

  it('does not send while an input method is composing', () => {
    const { box, type, transport } = openWith();
    type('ni hao');
    // jsdom has no CompositionEvent, so fireEvent.compositionStart dispatches nothing: use a plain Event.
    box.dispatchEvent(new Event('compositionstart', { bubbles: true }));
    fireEvent.keyDown(box, { key: 'Enter' });
    box.dispatchEvent(new Event('compositionend', { bubbles: true }));
    fireEvent.keyDown(box, { key: 'Enter', isComposing: true });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 229 });
    expect(transport.sent).toEqual([]);
    expect(box.value).toBe('ni hao');
  });

  it('sends with the Send button and ignores an empty box', async () => {
    const { type, transport, log } = openWith();
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(transport.sent).toEqual([]);
    type('  by click  ');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await within(log()).findByText('by click')).toBeTruthy();
  });

  it('shows sending, then sent once the backend confirms', async () => {
    const { box, type, transport, log } = openWith({ emulator: { sendMode: 'hold' } });
    type('wait for it');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(await within(log()).findByText('Sending…')).toBeTruthy();
    act(() => transport.confirmHeld());
    expect(await within(log()).findByText('Sent')).toBeTruthy();
    expect(within(log()).queryByText('Sending…')).toBeNull();
  });

  it('shows read when the other side read it', async () => {
    const { box, type, transport, log, store } = openWith();
    type('read me');
    fireEvent.keyDown(box, { key: 'Enter' });
    await within(log()).findByText('Sent');
    act(() => transport.read(store.messages.value[0]!.id!));
    expect(await within(log()).findByText('Read')).toBeTruthy();
  });

  it('marks a refused message failed and sends it again on Retry', async () => {
    const { box, type, transport, log } = openWith({ emulator: { sendMode: 'refuse' } });
    type('try me');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(await within(log()).findByText('Not sent')).toBeTruthy();
    transport.sendMode = 'confirm';
    fireEvent.click(within(log()).getByRole('button', { name: 'Retry' }));
    expect(await within(log()).findByText('Sent')).toBeTruthy();
    expect(transport.sent.map((m) => m.clientId)).toHaveLength(2);
    expect(new Set(transport.sent.map((m) => m.clientId)).size).toBe(1);
  });
});
