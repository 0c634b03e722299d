/**
 * Test fixtures: a real reference server per test (so a test may kill and restart it), pages
 * served from that server's origin, and a page object for the widget that queries by role and
 * label — the same names screen readers use.
 */
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { startServer } from '../server/index';
import type { TwinModule } from '../server/twin/index';
import type { RunningServer } from '../server/types';
import type { WsChatModule } from '../server/ws-chat/index';

type ServerOptions = NonNullable<Parameters<typeof startServer>[0]>;

export interface Backend {
  server: RunningServer;
  url: string;
  /** Stops the server; `restart()` brings it back on the same port. */
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export const test = base.extend<{ backend: Backend; serverOptions: ServerOptions; consoleLines: string[] }>({
  serverOptions: [{ replyDelayMs: 50 }, { option: true }],
  backend: async ({ serverOptions }, use) => {
    let server = await startServer(serverOptions);
    const port = server.port;
    let running = true;
    const backend: Backend = {
      get server() {
        return server;
      },
      url: server.url,
      async stop() {
        await server.close();
        running = false;
      },
      async restart() {
        server = await startServer({ ...serverOptions, port });
        running = true;
      },
    };
    try {
      await use(backend);
    } finally {
      if (running) await server.close();
    }
  },
  // The server starts before the browser context and so stops after it: a failed test's page
  // snapshot (taken as the context closes) shows the page as the test left it, not the widget
  // reacting to the server being stopped ("Reconnecting…").
  context: async ({ backend: _started, context }, use) => {
    await use(context);
  },
  consoleLines: async ({ page }, use) => {
    const lines: string[] = [];
    page.on('console', (msg) => lines.push(`${msg.type()}: ${msg.text()}`));
    page.on('pageerror', (err) => lines.push(`pageerror: ${err.message}`));
    await use(lines);
  },
});

export { expect };

/** What the backend's ws-chat module stored, by sender type (either generation), oldest first. */
export function wsChatTexts(backend: Backend, senderType: 'USER' | 'AI' | 'AGENT' = 'USER'): string[] {
  const state = (backend.server.modules.get('ws-chat') as WsChatModule).state;
  return state
    .allConversations()
    .flatMap((c) => c.messages.filter((m) => m.senderType === senderType).map((m) => m.text));
}

/** The backend's ws-chat module (its stored customers, tokens and conversations). */
export const wsChatOf = (backend: Backend) => backend.server.modules.get('ws-chat') as WsChatModule;

/** The backend's TWIN module, for what it recorded (sessions, acknowledgements). */
export const twinOf = (backend: Backend) => backend.server.modules.get('twin') as TwinModule;

/** The widget as a visitor (and a screen reader) sees it. */
export class Widget {
  readonly launcher: Locator;
  readonly log: Locator;
  readonly composer: Locator;
  readonly sendButton: Locator;
  readonly dialog: Locator;

  constructor(readonly page: Page) {
    this.launcher = page.getByRole('button', { name: 'Open chat' });
    this.dialog = page.getByRole('dialog');
    this.log = page.getByRole('log');
    this.composer = page.getByRole('textbox', { name: 'Message' });
    this.sendButton = page.getByRole('button', { name: 'Send' });
  }

  async open(): Promise<void> {
    await this.launcher.click();
    await expect(this.composer).toBeVisible();
  }

  async send(text: string): Promise<void> {
    await this.composer.fill(text);
    await this.composer.press('Enter');
  }

  /** A message bubble in the log holding this exact text. */
  message(text: string | RegExp): Locator {
    return this.log.getByText(text, { exact: typeof text === 'string' });
  }
}
