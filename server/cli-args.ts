/**
 * Flags and environment of `npm start`, parsed without side effects so they can be tested.
 * Flags win over the environment, which wins over the defaults.
 */
import { parseArgs } from 'node:util';
import type { ModuleOptions } from './modules';

export const USAGE = `Usage: npm start -- [options]

  --port <n>            port to listen on (env PORT, default 8080; 0 = any free port)
  --host <addr>         address to bind (env HOST, default 127.0.0.1)
  --reply-delay-ms <n>  delay before each bot reply (env REPLY_DELAY_MS, default 300)
  --ws-chat-protocol <envelope|flat>
                        generation of the ws-chat module: the product's current event envelopes
                        (default) or the seed's flat frames (env WS_CHAT_PROTOCOL)
  --twin-socketio <2|4> Socket.IO generation of the TWIN module (default 2, i.e. EIO 3)
  --allow-eio3          with --twin-socketio=4, accept EIO 3 clients too
  --nchan-port <n>      port of the nginx + nchan demo, started when nginx is installed
                        (env NCHAN_PORT, default 8081; 0 = any free port)
  --identity-secret <s> accept visitors' user ids only when signed with this secret
                        (HMAC-SHA256, see README); better given as env PARLEY_IDENTITY_SECRET,
                        which other users of the machine cannot read in the process list
  --verbose             one line per request and connection (paths only, never tokens)
  --help                this text`;

export type CliResult = { ok: true; options: ModuleOptions; help: boolean } | { ok: false; error: string };

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliResult {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { ok: true, options: {}, help: true };

  const port = integer('--port', values.port ?? env.PORT ?? '8080', 0, 65535);
  if (typeof port === 'string') return { ok: false, error: port };
  const delay = integer(
    '--reply-delay-ms',
    values['reply-delay-ms'] ?? env.REPLY_DELAY_MS ?? '300',
    0,
    60_000,
  );
  if (typeof delay === 'string') return { ok: false, error: delay };
  const nchanPort = integer('--nchan-port', values['nchan-port'] ?? env.NCHAN_PORT ?? '8081', 0, 65535);
  if (typeof nchanPort === 'string') return { ok: false, error: nchanPort };
  const generation = values['twin-socketio'] ?? '2';
  if (generation !== '2' && generation !== '4') return { ok: false, error: '--twin-socketio must be 2 or 4' };

  const wsChat = values['ws-chat-protocol'] ?? env.WS_CHAT_PROTOCOL ?? 'envelope';
  if (wsChat !== 'envelope' && wsChat !== 'flat') {
    return { ok: false, error: '--ws-chat-protocol must be envelope or flat' };
  }

  const options: ModuleOptions = {
    host: values.host ?? env.HOST ?? '127.0.0.1',
    port,
    replyDelayMs: delay,
    wsChatProtocol: wsChat,
    twinSocketIo: generation === '4' ? 4 : 2,
    twinAllowEio3: values['allow-eio3'] ?? false,
    verbose: values.verbose ?? false,
    nchanPort,
  };
  const secret = values['identity-secret'] ?? env.PARLEY_IDENTITY_SECRET;
  if (secret !== undefined) {
    // A short secret can be guessed offline from one signed id: ask for a real one.
    if (secret.length < 16) return { ok: false, error: '--identity-secret must be at least 16 characters' };
    options.identitySecret = secret;
  }
  return { ok: true, options, help: false };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'reply-delay-ms': { type: 'string' },
      'ws-chat-protocol': { type: 'string' },
      'twin-socketio': { type: 'string' },
      'allow-eio3': { type: 'boolean' },
      'nchan-port': { type: 'string' },
      'identity-secret': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** The integer, or an error message naming the flag. */
function integer(flag: string, text: string, min: number, max: number): number | string {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    return `${flag} must be an integer from ${min} to ${max} (got "${text}")`;
  }
  return value;
}

/** The line `npm start` prints when the server cannot start: for a busy port, how to pick another. */
export function startFailure(error: unknown, port: number | undefined): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    const next = (port ?? 8080) + 1;
    return `port ${port ?? 8080} is already in use (another npm start?). Pick another: npm start -- --port ${next}, or PORT=${next} npm start, or --port 0 for any free port.`;
  }
  if (code === 'EACCES') {
    return `not allowed to listen on port ${port}; use a port above 1023: npm start -- --port 8080`;
  }
  return error instanceof Error ? error.message : String(error);
}
