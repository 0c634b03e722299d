/**
 * The demo FSM of the ChatFAQ module: WHAT the bot answers, as MML stacks (a pure function, so tests
 * can read it). It streams, offers quick replies (and routes on their ids), sends a file, asks for
 * one, closes the conversation, and sprinkles in the layers a widget must not show (tool use, a tool
 * result "from the human", a GTM tag, a layer type nobody knows).
 */
import type { BotStack } from './frames';

export const FSM_GREETING = 'Hello! I am the ChatFAQ demo FSM. Pick an option or type anything.';

export const MENU = [
  { text: 'Tell me a story', id: 'story' },
  { text: 'Send me a file', id: 'file' },
  { text: 'Ask me for a file', id: 'upload' },
  { text: 'Goodbye', id: 'close' },
];

export const STORIES = [
  'Once upon a time a small widget lived on a busy page. It kept its styles to itself, ' +
    'answered every visitor politely, and never lost a word anyone typed.',
  'In a land of slow networks a patient socket waited, counted its backoff, and came back ' +
    'the moment the connection returned, with nothing lost on the way.',
];

export const DEMO_FILE_NAME = 'parley-demo.txt';
export const DEMO_FILE_TEXT = 'A file from the ChatFAQ demo FSM.\n';
export const UPLOAD_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  txt: 'text/plain',
};
export const UPLOAD_MAX_BYTES = 1024 * 1024;

export interface FsmInput {
  text: string;
  /** The quick reply the visitor chose, by id. */
  answerId?: string;
  /** Files the visitor uploaded before this message, with their size when the upload arrived. */
  files: Array<{ name: string; size?: number }>;
  /** 1 for an answer, 2… when the visitor asked to regenerate it. */
  take: number;
}

export interface FsmEnv {
  downloadUrl: string;
  /** A fresh pre-signed upload target for a file extension. */
  uploadTarget(ext: string): { url: string; path: string };
}

const message = (content: string) => ({ type: 'message', payload: { content } });
const replies = (list: typeof MENU) => ({
  type: 'quick_replies',
  payload: list.map((r) => ({ ...r, meta: {} })),
});

export function fsmGreeting(): BotStack[] {
  return [{ layers: [message(FSM_GREETING), replies(MENU)] }];
}

/** The stacks answering one visitor message (a turn), and whether the conversation ends. */
export function fsmAnswer(input: FsmInput, env: FsmEnv): BotStack[] {
  const text = input.text.trim();
  const word = text.toLowerCase();
  const route = input.answerId ?? (MENU.find((m) => m.text.toLowerCase() === word)?.id || word);
  const take = input.take > 1 ? `(take ${input.take}) ` : '';

  if (input.files.length) {
    const list = input.files.map((f) =>
      f.size === undefined ? `${f.name} (not uploaded)` : `${f.name} (${f.size} bytes)`,
    );
    return [{ layers: [message(`${take}Thanks, I received ${list.join(', ')}.`)] }];
  }
  if (route === 'story') {
    return [
      // The model's plumbing: never shown.
      {
        layers: [
          { type: 'tool_use', payload: { id: 'tool-1', name: 'find_story', args: { take: input.take } } },
        ],
      },
      {
        sender: 'human',
        layers: [{ type: 'tool_result', payload: { id: 'tool-1', content: 'story #1 found' } }],
      },
      {
        layers: [
          { type: 'gtm_tag', payload: { event: 'chatfaq_story' } },
          { type: 'hologram', payload: { x: 1 } },
        ],
      },
      {
        stream: take + (STORIES[(input.take - 1) % STORIES.length] ?? ''),
        layers: [replies([MENU[0]!, MENU[3]!])],
      },
    ];
  }
  if (route === 'file') {
    return [
      {
        layers: [
          message(`${take}Here is a file for you.`),
          { type: 'file_download', payload: { content: '', name: DEMO_FILE_NAME, url: env.downloadUrl } },
        ],
      },
    ];
  }
  if (route === 'upload') {
    const files = Object.fromEntries(
      Object.entries(UPLOAD_TYPES).map(([ext, type]) => {
        const target = env.uploadTarget(ext);
        return [
          ext,
          { max_size: UPLOAD_MAX_BYTES, presigned_url: target.url, s3_path: target.path, content_type: type },
        ];
      }),
    );
    return [
      {
        layers: [
          {
            type: 'file_upload',
            payload: { content: `${take}Please send me a file: PDF, PNG or TXT, up to 1 MB.`, files },
          },
        ],
      },
    ];
  }
  if (route === 'close') {
    return [
      {
        layers: [
          message(`${take}Goodbye! This conversation is closed.`),
          { type: 'close_conversation', payload: {} },
        ],
      },
    ];
  }
  if (route === 'help' || route === 'menu')
    return [{ layers: [message(`${take}Here is what I can do.`), replies(MENU)] }];
  return [{ stream: `${take}You said: ${text}`, layers: [] }];
}
