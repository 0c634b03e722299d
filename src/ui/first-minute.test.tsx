/**
 * Issue 15, "the first minute feels finished": the welcome state, the honest offline state, and the
 * rough edges a visitor saw (one bot identity, the ended conversation said once, nobody "answering"
 * after the end, an inactive send button on an empty composer). Real store, emulator backend.
 */
import { act, cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorAdapter, type EmulatorOptions } from '../transports/emulator/adapter';
import { type MountOptions, mountWidget } from './test-helpers';

afterEach(cleanup);

const welcome = {
  welcome: 'Hi! Ask us anything.',
  avatar: 'https://example.com/team.png',
  subtitle: 'Usually replies in minutes',
  suggestions: ['Where is my order?', 'Talk to a person'],
};

function open(o: MountOptions & { emulator?: EmulatorOptions } = {}) {
  const env = mountWidget(new EmulatorAdapter(o.emulator), o);
  fireEvent.click(screen.getByRole('button')); // the launcher, in any language
  const dialog = screen.getByRole('dialog');
  return { ...env, dialog, log: screen.getByRole('log'), header: dialog.querySelector('header')! };
}

const suggestions = (log: HTMLElement) => within(log).queryByRole('group', { name: 'Suggested answers' });

describe('welcome state', () => {
  it('greets in the first bubble, from the team, without sending or storing it', () => {
    const { log, store, transport } = open({ welcome });
    const bubble = within(log).getByText('Hi! Ask us anything.');
    const row = bubble.closest('.msg')!;
    expect(row.className).toContain('msg--in');
    expect(within(row as HTMLElement).getByText('Support')).toBeTruthy(); // the team's name
    expect(log.querySelector('.log__item')?.contains(bubble)).toBe(true); // first in the log
    expect(store.messages.value).toHaveLength(0);
    expect(transport.delivered('Hi! Ask us anything.')).toBe(0);
  });

  it('keeps the greeting first once the conversation has started', () => {
    const { log, transport } = open({ welcome });
    act(() => void transport.receive({ text: 'A reply' }));
    const texts = [...log.querySelectorAll('.bubble')].map((b) => b.textContent);
    expect(texts).toEqual(['Hi! Ask us anything.', 'A reply']);
  });

  it('shows the team avatar and subtitle in the header until an operator answers', () => {
    const { header, transport } = open({ welcome });
    expect(within(header).getByText('Usually replies in minutes')).toBeTruthy();
    expect(header.querySelector('img.avatar')?.getAttribute('src')).toBe('https://example.com/team.png');
    act(() => transport.operator({ operator: { kind: 'operator', id: 'a', name: 'Anna' } }));
    expect(within(header).queryByText('Usually replies in minutes')).toBeNull();
    expect(within(header).getByText('Anna is answering')).toBeTruthy();
  });

  it('offers the suggestions as answer buttons; choosing one sends it, then they are gone', async () => {
    const { log, store, transport } = open({ welcome });
    const group = suggestions(log)!;
    fireEvent.click(within(group).getByRole('button', { name: 'Talk to a person' }));
    expect(store.messages.value.map((m) => [m.direction, m.text])).toEqual([['out', 'Talk to a person']]);
    await screen.findByText('Sent');
    expect(transport.delivered('Talk to a person')).toBe(1);
    expect(suggestions(log)).toBeNull();
  });

  it('drops the suggestions once the visitor writes their own first message', () => {
    const { log } = open({ welcome });
    const box = screen.getByRole('textbox', { name: 'Message' });
    fireEvent.input(box, { target: { value: 'My own question' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(suggestions(log)).toBeNull();
    expect(within(log).getByText('Hi! Ask us anything.')).toBeTruthy(); // the greeting stays
  });

  it('shows the team initials, not a broken image, when the team picture cannot load', () => {
    const { header, log } = open({ welcome });
    for (const img of [...header.querySelectorAll('img.avatar'), ...log.querySelectorAll('img.avatar')])
      fireEvent.error(img);
    expect(header.querySelector('img.avatar')).toBeNull();
    expect(header.querySelector('span.avatar')?.textContent).toBe('S');
    expect(log.querySelector('.welcome span.avatar')?.textContent).toBe('S');
  });

  it('shows nothing extra when the page sets none of it', () => {
    const { log, header } = open();
    expect(log.querySelector('.welcome')).toBeNull();
    expect(header.querySelector('.avatar')).toBeNull();
  });
});

describe('offline state', () => {
  it.each(['reconnecting', 'disconnected'] as const)(
    'while %s the body says we are offline and the message will go when we are back',
    (status) => {
      const { dialog, transport } = open();
      expect(dialog.querySelector('.offline')).toBeNull();
      act(() => transport.emitStatus({ status }));
      expect(within(dialog).getByText('We are offline right now.')).toBeTruthy();
      expect(within(dialog).getByText(/it will be sent when we are back/)).toBeTruthy();
      act(() => transport.emitStatus({ status: 'connected' }));
      expect(dialog.querySelector('.offline')).toBeNull();
    },
  );

  it('after a failure promises no return by itself: what the visitor writes is kept until the chat connects', () => {
    const { dialog, transport } = open();
    act(() => transport.emitStatus({ status: 'failed', detail: 'Authentication failed' }));
    expect(within(dialog).getByText('We cannot connect right now.')).toBeTruthy();
    expect(within(dialog).getByText(/kept here and sent once the chat connects again/)).toBeTruthy();
    expect(within(dialog).queryByText(/when we are back/)).toBeNull();
    expect(within(dialog).getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('keeps the composer usable: a message written offline waits in the outbox and goes on reconnect', async () => {
    const { store, transport } = open();
    act(() => transport.emitStatus({ status: 'reconnecting' }));
    const box = screen.getByRole('textbox', { name: 'Message' });
    fireEvent.input(box, { target: { value: 'Written offline' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(store.messages.value[0]).toMatchObject({ text: 'Written offline', state: 'sending' });
    expect(transport.delivered('Written offline')).toBe(0);
    act(() => transport.emitStatus({ status: 'connected' }));
    await screen.findByText('Sent');
    expect(transport.delivered('Written offline')).toBe(1);
  });

  it('says it in the visitor’s language', () => {
    const { dialog, transport } = open({ lang: 'ru' });
    act(() => transport.emitStatus({ status: 'reconnecting' }));
    expect(within(dialog).getByText('Сейчас нет связи.')).toBeTruthy();
  });

  it('is not shown when another window holds the conversation', () => {
    const { dialog, transport } = open();
    act(() => transport.emitStatus({ status: 'failed', reason: 'evicted' }));
    expect(dialog.querySelector('.offline')).toBeNull();
  });
});

describe('rough edges', () => {
  it('gives the bot one identity when the backend names it only after the greeting', () => {
    const { log, transport } = open();
    act(() => {
      transport.receive({ text: 'Greeting', author: { kind: 'bot' } });
      transport.receive({ text: 'Later', author: { kind: 'bot', id: 'twin-bot', name: 'TWIN bot' } });
    });
    expect(within(log).queryByText('Bot')).toBeNull();
    expect(within(log).getAllByText('TWIN bot')).toHaveLength(1); // one group, one name
  });

  it('says "This conversation has ended." once, and nobody is answering after it', () => {
    const { dialog, header, transport } = open();
    act(() => transport.operator({ operator: { kind: 'operator', id: 'a', name: 'Anna' } }));
    expect(within(header).getByText('Anna is answering')).toBeTruthy();
    act(() => transport.endSession());
    expect(within(dialog).getAllByText('This conversation has ended.')).toHaveLength(1);
    expect(within(header).queryByText(/is answering/)).toBeNull();
  });

  it('the send button is inactive on an empty composer and active once there is text', () => {
    open();
    const send = screen.getByRole('button', { name: 'Send' });
    expect(send.getAttribute('aria-disabled')).toBe('true');
    fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), { target: { value: '  ' } });
    expect(send.getAttribute('aria-disabled')).toBe('true');
    fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), { target: { value: 'hi' } });
    expect(send.getAttribute('aria-disabled')).toBeNull();
  });
});
