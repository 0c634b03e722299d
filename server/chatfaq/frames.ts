/**
 * MML frames of ChatFAQ's WebSocket consumer (seed 003, PROTOCOLS.md §4), as the reference server
 * writes and reads them. The shapes follow what the upstream server sends, including its quirks:
 * `id: null` on every chunk but the last, `node_type`, `confidence`, and a `receiver` when the URL
 * named a sender.
 */
import { isRecord } from '../http';

export type Layer = { type: string; payload?: unknown; streaming?: boolean };

/** One stack the FSM answers with; `stream` makes it a run of `message_chunk` frames. */
export interface BotStack {
  layers: Layer[];
  /** Streamed text: sent in growing snapshots, each frame carrying the text so far. */
  stream?: string;
  /** Upstream sends tool results as if the human had written them. Default `bot`. */
  sender?: 'bot' | 'human';
}

export interface FrameContext {
  /** Database id of the stack, on its last (or only) frame. */
  id: number;
  stackId: string;
  groupId: string;
  /** Last stack of the bot's turn. */
  last: boolean;
  senderId?: string;
}

/** How many characters each streamed snapshot adds (words are not split, so chunks vary). */
const CHUNK_CHARS = 12;

/** The text so far at each step of a stream: ["Once ", "Once upon ", …, whole text]. */
export function snapshots(text: string): string[] {
  const out: string[] = [];
  let end = 0;
  while (end < text.length) {
    end = Math.min(text.length, end + CHUNK_CHARS);
    const space = text.indexOf(' ', end);
    end = space === -1 ? text.length : space + 1;
    out.push(text.slice(0, end));
  }
  return out.length ? out : [''];
}

/** The frames of one stack: a single frame, or one per snapshot for a streamed text. */
export function stackFrames(stack: BotStack, ctx: FrameContext, now: () => number): object[] {
  const base = (lastChunk: boolean, last: boolean, layers: Layer[]) => ({
    type: 'response',
    status: 200,
    stack_id: ctx.stackId,
    stack_group_id: ctx.groupId,
    last_chunk: lastChunk,
    last,
    sender: { type: stack.sender ?? 'bot' },
    ...(ctx.senderId ? { receiver: { type: 'human', id: ctx.senderId } } : {}),
    send_time: now(),
    node_type: 'action',
    confidence: 1,
    id: lastChunk ? ctx.id : null,
    stack: layers,
  });
  if (stack.stream === undefined) return [base(true, ctx.last, stack.layers)];
  const parts = snapshots(stack.stream);
  return parts.map((text, i) => {
    const final = i === parts.length - 1;
    const chunk: Layer = { type: 'message_chunk', streaming: true, payload: { content: text } };
    // Other layers of a streamed stack (quick replies after a story) come with the final chunk.
    return base(final, final && ctx.last, final ? [chunk, ...stack.layers] : [chunk]);
  });
}

export const errorFrame = (payload: unknown) => ({ type: 'response', status: 400, payload });

/** What a visitor's frame says, after validation. */
export type ClientFrame =
  | { kind: 'heartbeat' }
  | { kind: 'reset'; id: number }
  | {
      kind: 'message';
      stackId?: string;
      senderId?: string;
      text: string;
      answerId?: string;
      files: Array<{ path: string; name: string }>;
      layers: unknown[];
    };

export type Parsed = { ok: true; frame: ClientFrame } | { ok: false; errors: Record<string, unknown> };

const MAX_TEXT = 8 * 1024;

/** Validates a visitor frame the way the upstream serializer would, naming the fields it refuses. */
export function parseClientFrame(text: string): Parsed {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, errors: { non_field_errors: ['Invalid JSON'] } };
  }
  if (!isRecord(data)) return { ok: false, errors: { non_field_errors: ['Expected an object'] } };
  if (data.heartbeat === true) return { ok: true, frame: { kind: 'heartbeat' } };
  if ('reset' in data) {
    const id = typeof data.reset === 'string' ? Number(data.reset) : data.reset;
    if (typeof id === 'number' && Number.isSafeInteger(id)) return { ok: true, frame: { kind: 'reset', id } };
    return { ok: false, errors: { reset: ['A valid message id is required.'] } };
  }
  const errors: Record<string, unknown> = {};
  const sender = isRecord(data.sender) ? data.sender : undefined;
  if (!sender) errors.sender = ['This field is required.'];
  // As Django REST Framework words a bad choice: the value is repeated (widgets use it as a probe).
  else if (sender.type !== 'human' && sender.type !== 'bot')
    errors.sender = { type: [`"${String(sender.type).slice(0, 200)}" is not a valid choice.`] };
  if (!Array.isArray(data.stack)) errors.stack = ['This field is required.'];
  if (Object.keys(errors).length) return { ok: false, errors };
  const layers = data.stack as unknown[];
  const texts: string[] = [];
  const files: Array<{ path: string; name: string }> = [];
  let answerId: string | undefined;
  for (const layer of layers) {
    if (!isRecord(layer) || typeof layer.type !== 'string')
      return { ok: false, errors: { stack: ['Invalid layer.'] } };
    const payload = layer.payload;
    if (layer.type === 'message' && isRecord(payload) && typeof payload.content === 'string') {
      texts.push(payload.content);
    } else if (layer.type === 'quick_replies' && Array.isArray(payload) && isRecord(payload[0])) {
      const id = payload[0].id;
      if (typeof id === 'string' || typeof id === 'number') answerId = String(id);
    } else if (layer.type === 'file_uploaded' && isRecord(payload) && typeof payload.s3_path === 'string') {
      files.push({ path: payload.s3_path, name: typeof payload.name === 'string' ? payload.name : 'file' });
    }
  }
  const content = texts.join('\n');
  if (content.length > MAX_TEXT) return { ok: false, errors: { stack: ['Ensure the text is shorter.'] } };
  const frame: ClientFrame = { kind: 'message', text: content, files, layers };
  if (typeof data.stack_id === 'string') frame.stackId = data.stack_id;
  if (sender && typeof sender.id === 'string') frame.senderId = sender.id;
  if (answerId) frame.answerId = answerId;
  return { ok: true, frame };
}
