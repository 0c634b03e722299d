import { act, cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorAdapter, type EmulatorOptions } from '../transports/emulator/adapter';
import { type MountOptions, mountWidget } from './test-helpers';

const setup = (o: MountOptions & { emulator?: EmulatorOptions } = {}) =>
  mountWidget(new EmulatorAdapter(o.emulator), o);

afterEach(cleanup);

function offer() {
  const env = setup();
  fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
  act(() => {
    env.transport.receive({
      id: 'q1',
      text: 'Which plan?',
      answers: [{ text: 'Basic' }, { text: 'Pro', id: 'pro' }],
    });
  });
  const group = screen.getByRole('group', { name: 'Suggested answers' });
  return { ...env, group };
}

describe('AnswerButtons', () => {
  it('offers the answers as buttons under the message', () => {
    const { group } = offer();
    const names = within(group)
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(names).toEqual(['Basic', 'Pro']);
    expect(within(group).getByRole('button', { name: 'Pro' }).getAttribute('aria-disabled')).toBeNull();
  });

  it('sends the chosen answer as a reply to the message', async () => {
    const { group, transport } = offer();
    fireEvent.click(within(group).getByRole('button', { name: 'Pro' }));
    expect(await within(screen.getByRole('log')).findByText('Pro', { selector: '.bubble' })).toBeTruthy();
    expect(transport.sent).toEqual([expect.objectContaining({ text: 'Pro', replyToId: 'q1' })]);
  });

  it('after a choice keeps the buttons focusable but aria-disabled, marks the choice and says it', () => {
    const { group, transport } = offer();
    const pro = within(group).getByRole('button', { name: 'Pro' });
    fireEvent.click(pro);
    const buttons = within(screen.getByRole('group', { name: 'Suggested answers' })).getAllByRole('button');
    for (const b of buttons) {
      expect(b.getAttribute('aria-disabled')).toBe('true');
      expect(b.hasAttribute('disabled')).toBe(false);
    }
    expect(buttons[1]?.className).toContain('answer--chosen');
    expect(buttons[0]?.className).not.toContain('answer--chosen');
    expect(screen.getByText('You chose: Pro')).toBeTruthy();
    // A second click does nothing.
    fireEvent.click(buttons[0]!);
    expect(transport.sent).toHaveLength(1);
  });
});

describe('AnswerButtons after the visitor wrote on', () => {
  it('end when the visitor types an answer instead: all aria-disabled, none marked chosen', () => {
    const { group, store } = offer();
    act(() => {
      store.send('Enterprise, actually');
    });
    const buttons = within(group).getAllByRole('button');
    expect(buttons.every((b) => b.getAttribute('aria-disabled') === 'true')).toBe(true);
    expect(group.querySelector('.answer--chosen')).toBeNull();
  });
});
