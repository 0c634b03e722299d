/**
 * Helpers for the server tests: start real servers and always stop them, talk to them with `ws`
 * and `fetch`, and wait for events or conditions (never for a fixed time).
 */
import { WebSocket } from 'ws';
import { type ReferenceServerOptions, startServer } from './index';
import type { RunningServer } from './types';

// Generous: the machine running the tests is often busy with other jobs.
const DEFAULT_TIMEOUT_MS = 15_000;

/** Servers started by `startTestServer`; `stopTestServers()` (in afterEach) closes them all. */
const started = new Set<RunningServer>();

export async function startTestServer(options: ReferenceServerOptions = {}): Promise<RunningServer> {
  const server = await startServer({ replyDelayMs: 0, ...options });
  started.add(server);
  return server;
}

export async function stopTestServers(): Promise<void> {
  const servers = [...started];
  started.clear();
  await Promise.all(servers.map((server) => server.close()));
}

/** Resolve when `predicate()` holds (polled every few ms); reject after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean,
  what = 'condition',
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export interface Token {
  customerId: string;
  token: string;
  name: string;
  channel: string;
}

/** Call the token API and return its `data` (fails the test on anything but 200). */
export async function getToken(
  server: RunningServer,
  body: Record<string, unknown> = { name: 'Ann', channel: 'WEB', channelId: `web_${Math.random()}` },
): Promise<Token> {
  const res = await postJson(server, '/api/v1/public/customer-token', body);
  if (res.status !== 200) throw new Error(`token call answered ${res.status}: ${await res.text()}`);
  const json = (await res.json()) as { data: Token };
  return json.data;
}

export function postJson(server: RunningServer, path: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export type Frame = Record<string, unknown>;

/**
 * A `ws` client that buffers every frame from the start, so no message is missed between two
 * awaits, and exposes the close event as a promise.
 */
export class TestClient {
  readonly frames: Frame[] = [];
  /** Index of the next frame `next()` returns. */
  private cursor = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  pings = 0;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as Frame));
    ws.on('ping', () => {
      this.pings += 1;
    });
    ws.on('error', () => {}); // surfaced through `opened` / `closed`
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  /** Open a socket to `/ws/chat` and wait until it is open. */
  static async connect(server: RunningServer, token: string, options: { autoPong?: boolean } = {}) {
    const ws = new WebSocket(
      `${server.url.replace(/^http/, 'ws')}/ws/chat?token=${encodeURIComponent(token)}`,
      {
        autoPong: options.autoPong ?? true,
      },
    );
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame not yet returned by `next()`. */
  async next(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Frame> {
    await waitFor(() => this.frames.length > this.cursor, 'the next frame', timeoutMs);
    const frame = this.frames[this.cursor]!;
    this.cursor += 1;
    return frame;
  }

  /** Skip frames until one matches; returns it. */
  async nextMatching(predicate: (frame: Frame) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Frame> {
    for (;;) {
      const frame = await this.next(timeoutMs);
      if (predicate(frame)) return frame;
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Try to open `/ws/chat` with a token and return the HTTP status of the refusal. */
export function refusedStatus(server: RunningServer, token: string): Promise<number> {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/chat?token=${encodeURIComponent(token)}`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the handshake was accepted'));
    });
    ws.once('unexpected-response', (req, res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    ws.on('error', () => {}); // the destroyed request reports an error we do not care about
  });
}

/** A visitor frame as the widget sends it. */
export function visitorFrame(token: Token, content: string, clientMessageId?: string): Frame {
  return {
    senderId: token.customerId,
    content,
    metadata: clientMessageId === undefined ? { type: 'text' } : { type: 'text', clientMessageId },
  };
}
