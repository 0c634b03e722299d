// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { DEMO_FILE_ID, OPERATORS, twinPlan } from './bot';

const input = (text: string, operator = false) => ({
  text,
  messageId: 'v1',
  attachmentNames: [],
  operator: operator ? OPERATORS[0]! : null,
});
const kinds = (text: string, operator = false) => twinPlan(input(text, operator)).map((s) => s.kind);

describe('the TWIN demo bot', () => {
  it('echoes through the shared bot, typing first', () => {
    expect(twinPlan(input('echo hi'))).toEqual([
      { kind: 'typing', author: 'bot' },
      { kind: 'message', author: 'bot', body: 'hi' },
    ]);
  });

  it('offers answers as strings and as objects on help', () => {
    const last = twinPlan(input(' HELP ')).at(-1);
    expect(last).toMatchObject({
      kind: 'message',
      answers: ['file', { id: 'operator', label: 'operator' }, 'stop'],
    });
  });

  it('sends a file on "file" and thanks for an attachment-only message', () => {
    expect(twinPlan(input('file')).at(-1)).toMatchObject({ fileIds: [DEMO_FILE_ID] });
    expect(twinPlan({ ...input(''), attachmentNames: ['a.png'] })).toEqual([
      { kind: 'message', author: 'bot', body: 'Thanks, I received a.png.' },
    ]);
  });

  it('hands over to an operator, then to a colleague; the operator reads every message', () => {
    expect(kinds('operator')).toEqual(['message', 'assign', 'typing', 'message']);
    expect(twinPlan(input('operator'))[0]).toMatchObject({ type: 'HELP' });
    expect(twinPlan(input('operator', true))[2]).toEqual({ kind: 'assign', operator: OPERATORS[1] });
    expect(kinds('hello', true)).toEqual(['read', 'typing', 'message']);
    expect(twinPlan(input('hello', true)).at(-1)).toMatchObject({
      author: 'operator',
      body: 'Anna here: I read "hello".',
    });
  });

  it('ends with a TERMINAL message on stop and стоп', () => {
    for (const word of ['stop', 'Стоп']) {
      expect(twinPlan(input(word)).at(-1)).toMatchObject({ kind: 'message', type: 'TERMINAL' });
    }
  });
});
