/**
 * What the TWIN demo bot does, as a plan of steps (pure, so tests can read it): the module runs
 * the steps through server/bot.ts's queue, one `replyDelayMs` apart, and writes the wire payloads.
 *
 * Commands: help / buttons (answer buttons), file (the bot sends a file), operator (an operator
 * takes over: HELP message, operator notice, typing, operator messages, read receipts; a second
 * "operator" changes operator), stop / стоп (TERMINAL). Anything else goes to the shared bot
 * (echo, burst, long, markdown …) or, once an operator is assigned, to the operator.
 */
import { botReplies } from '../bot';
import type { AuthorType, Operator } from './store';

export const GREETING_FILE_ID = 'twin-greeting';
export const BOT_AVATAR_FILE_ID = 'twin-bot-avatar';
export const DEMO_FILE_ID = 'twin-demo-file';

export const TWIN_GREETING =
  'Hello! I am the TWIN demo bot. Type "help" for buttons, "file" for a file, "operator" for a human, "stop" to end.';

export const OPERATORS: readonly Operator[] = [
  { id: 'op-anna', name: 'Anna', avatarFile: 'twin-operator-anna' },
  { id: 'op-boris', name: 'Boris', avatarFile: 'twin-operator-boris' },
];

export type Answer = string | { id: string; label: string };

export type BotStep =
  | {
      kind: 'message';
      author: AuthorType;
      body: string;
      type?: 'REGULAR' | 'HELP' | 'TERMINAL';
      answers?: Answer[];
      fileIds?: string[];
    }
  | { kind: 'typing'; author: AuthorType }
  | { kind: 'read'; messageId: string }
  | { kind: 'assign'; operator: Operator };

export interface VisitorInput {
  text: string;
  messageId: string;
  attachmentNames: string[];
  operator: Operator | null;
}

/** The seed documents answers as strings and as objects: the demo offers both. */
const HELP_ANSWERS: Answer[] = ['file', { id: 'operator', label: 'operator' }, 'stop'];

export function twinPlan({ text, messageId, attachmentNames, operator }: VisitorInput): BotStep[] {
  const command = text.trim().toLowerCase();
  const speaker: AuthorType = operator ? 'operator' : 'bot';
  // An operator reads what the visitor writes; the bot does not send receipts.
  const read: BotStep[] = operator ? [{ kind: 'read', messageId }] : [];
  const say = (body: string, extra: Partial<Extract<BotStep, { kind: 'message' }>> = {}): BotStep => ({
    kind: 'message',
    author: speaker,
    body,
    ...extra,
  });

  if (command === 'stop' || command === 'стоп') {
    return [...read, say('Thank you for the conversation. The chat is closed.', { type: 'TERMINAL' })];
  }
  if (command === 'help' || command === 'buttons') {
    return [...read, { kind: 'typing', author: speaker }, say('Choose one:', { answers: HELP_ANSWERS })];
  }
  if (command === 'file') {
    return [
      ...read,
      { kind: 'typing', author: speaker },
      say('Here is a file for you.', { fileIds: [DEMO_FILE_ID] }),
    ];
  }
  if (command === 'operator') {
    const next = OPERATORS.find((o) => o.id !== operator?.id) ?? OPERATORS[0]!;
    return [
      ...read,
      say(operator ? 'Passing you to a colleague.' : 'Let me call an operator.', { type: 'HELP' }),
      { kind: 'assign', operator: next },
      { kind: 'typing', author: 'operator' },
      { kind: 'message', author: 'operator', body: `Hi, I am ${next.name}. How can I help?` },
    ];
  }
  if (attachmentNames.length > 0 && command === '') {
    return [...read, say(`Thanks, I received ${attachmentNames.join(', ')}.`)];
  }
  if (operator) {
    return [...read, { kind: 'typing', author: 'operator' }, say(`${operator.name} here: I read "${text}".`)];
  }
  return [{ kind: 'typing', author: 'bot' }, ...botReplies({ text, first: false }).map((body) => say(body))];
}

/** A round avatar with an initial, for the bot and the operators. */
export function avatarSvg(letter: string, color: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><circle cx="32" cy="32" r="32" fill="${color}"/><text x="32" y="42" text-anchor="middle" font-family="sans-serif" font-size="28" fill="#fff">${letter}</text></svg>`;
}

export const DEMO_FILE_TEXT = 'A file sent by the Parley TWIN demo bot.\n';
