/**
 * `npm run soak -- --trace`: one timeline per run, for finding out why a message went wrong. It
 * merges what the soak did (faults), what the server stored, and what each page did: every POST
 * the page made with the start of its body (the visitor's text, never the URL: it may hold a
 * session id or a token), how it ended and after how long, and the page's pagehide and pageshow.
 * The page keeps its lines in sessionStorage, so a reload does not lose the lines of the page that
 * went away (the browser stops reporting a page's console once it navigates).
 *
 * The traced page is not quite the widget's page: the trace's own pagehide listener runs first
 * (as a host page's may). No beforeunload listener is added: Chrome asks a page that has none
 * nothing before it navigates, and the widget relies on that being the page's own business.
 */
import { writeFileSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';

const KEY = 'parley-soak-trace:';

/** Plain script text, so no test transpiler adds helpers the page lacks. */
const PAGE_SCRIPT = `(() => {
  let seq = 0;
  const log = (line) => {
    try {
      sessionStorage.setItem('${KEY}' + Date.now() + ':' + String(seq++).padStart(6, '0') + ':' + Math.random(), line);
    } catch {}
  };
  for (const type of ['pagehide', 'pageshow']) addEventListener(type, (e) => log(type + (e.persisted ? ' (persisted)' : '')));
  const original = window.fetch.bind(window);
  window.fetch = (input, init) => {
    if (!init || init.method !== 'POST' || typeof init.body !== 'string') return original(input, init);
    const what = init.body.slice(0, 40);
    const started = Date.now();
    log('POST ' + what + (init.keepalive ? ' (keepalive)' : ''));
    const answer = original(input, init);
    answer.then(
      (res) => log('POST ' + what + ': ' + res.status + ' after ' + (Date.now() - started) + ' ms (head)'),
      (error) => log('POST ' + what + ': failed after ' + (Date.now() - started) + ' ms: ' + String(error)),
    );
    return answer;
  };
})();`;

export class SoakTrace {
  private readonly lines: Array<{ at: number; seq: number; text: string }> = [];

  constructor(private readonly file: string) {}

  /** Before the first page opens. */
  async attach(context: BrowserContext): Promise<void> {
    await context.addInitScript({ content: PAGE_SCRIPT });
  }

  /** A line of the soak's own (a fault, a server arrival), stamped now. */
  note(text: string): void {
    this.lines.push({ at: Date.now(), seq: this.lines.length, text: `soak   ${text}` });
  }

  /** The page's lines so far (its own and those of the pages it replaced in this tab). */
  async collect(page: Page, name: string): Promise<void> {
    const entries = await page.evaluate((prefix) => {
      const out: Array<[string, string]> = [];
      for (let i = 0; i < sessionStorage.length; i++) {
        const key = sessionStorage.key(i) ?? '';
        if (key.startsWith(prefix)) out.push([key.slice(prefix.length), sessionStorage.getItem(key) ?? '']);
      }
      return out;
    }, KEY);
    for (const [key, text] of entries) {
      const [at, seq] = key.split(':');
      this.lines.push({ at: Number(at), seq: Number(seq), text: `${name.padEnd(6)} ${text}` });
    }
  }

  /** Writes the timeline, oldest first; returns its path. */
  write(): string {
    const sorted = [...this.lines].sort((a, b) => a.at - b.at || a.seq - b.seq);
    const time = (at: number) => new Date(at).toISOString().slice(11, 23);
    writeFileSync(this.file, `${sorted.map((l) => `${time(l.at)} ${l.text}`).join('\n')}\n`);
    return this.file;
  }
}
