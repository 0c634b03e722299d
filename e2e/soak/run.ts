/**
 * The soak: the built widget in Chromium against one reference server, a long conversation and
 * faults at fixed points of it, then what arrived where. Used by `npm run soak` (scripts/soak.ts,
 * the full plan) and by `npm test` (e2e/soak.spec.ts, the short plan).
 *
 * Visitor messages are `v0001`, `v0002`… typed into the composer (odd numbers, first tab) or sent
 * with `Parley.send` (even numbers, and everything from the second tab). The server answers every
 * message it stores with the next numbered reply (`r0001`…), and sends one more reply right after
 * each drop, while the widget is away. Faults happen at fixed message numbers; the soak never
 * sleeps: it waits for conditions (the server has message n, the screen shows reply m).
 *
 * A protocol that keeps nothing for a visitor who is away (`replay: false`: postoffice, chatfaq)
 * gets its drop-time message too, numbered apart (`a0001`…): it is counted as written and shown,
 * and reported as lost by design instead of being scored with the replies.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { SoakBackend, type VisitorArrival } from './backend';
import { type AckSummary, splitUnsettled, summariseAcks, type Tally, tally, tallyVisitor } from './metrics';
import { SoakTrace } from './trace';
import type { SoakTransport } from './transports';

export interface SoakPlan {
  messages: number;
  drops: number;
  restarts: number;
  reloads: number;
  /** Messages sent from a second tab of the same site (0: no second tab). */
  secondTab: number;
  /** Messages the visitor sends while the server is down, per restart. */
  whileDown: number;
  /** The longest wait for everything to arrive after the last fault. */
  drainTimeoutMs: number;
}

export const FULL_PLAN: SoakPlan = {
  messages: 500,
  drops: 20,
  restarts: 5,
  reloads: 2,
  secondTab: 20,
  whileDown: 3,
  drainTimeoutMs: 120_000,
};

export const SHORT_PLAN: SoakPlan = {
  messages: 40,
  drops: 3,
  restarts: 1,
  reloads: 1,
  secondTab: 4,
  whileDown: 2,
  drainTimeoutMs: 60_000,
};

export interface SoakReport {
  transport: string;
  /** Visitor messages as the server received them (repeats included: a seed backend stores them). */
  visitor: Tally;
  /** Resends the reference server recognised by their message id (scored unless `repeatsByProtocolId`). */
  repeatsCaught: number;
  /** Why a restart empties what the server held for the widget (transports.ts `restartForgets`). */
  restartForgets?: string;
  /** The protocol's own id recognises resends (transports.ts `messageId`): they are not duplicates. */
  repeatsByProtocolId?: string;
  /** Conversations (sessions) the messages landed in: 1 unless the widget started over. */
  conversations: number;
  /** Numbered replies as the first tab shows them at the end. */
  replies: Tally;
  /** Protocols that acknowledge deliveries (twin). */
  acks?: AckSummary;
  /**
   * `replay: false` only: messages the server wrote while the widget was away (one per drop), and
   * how many of them the screen shows. The protocol keeps nothing for an absent visitor, so these
   * are lost by its design; they are reported, not scored.
   */
  away?: { written: number; shown: number };
  /**
   * Faults before which what was under way had not arrived within the drain timeout (`replay:
   * false` waits for it): the widget was stuck, e.g. it had given up its connection.
   */
  stalls: string[];
  /**
   * Visitor messages the widget still shows as not sent at the end (sending, failed, not confirmed),
   * except those below.
   */
  unsettled: string[];
  /**
   * Shown "Not confirmed" at the end and at the server exactly once: a post whose answer was lost
   * (TWIN cannot ask the server), so the widget asks the visitor instead of posting it again.
   * Delivered once, so not scored; reported because the visitor sees the question.
   */
  unconfirmedAtServerOnce: string[];
  /** From the last fault (or the last message, if later) to everything on both ends; null: never. */
  drainMs: number | null;
  pageErrors: string[];
  /** Console errors other than the browser's own lines about refused connections. */
  consoleErrors: string[];
  durationMs: number;
}

type Fault = 'drop' | 'restart' | 'reload' | 'tab';

const label = (prefix: 'v' | 'r' | 'a', n: number) => `${prefix}${String(n).padStart(4, '0')}`;

/** Fault points by message number: evenly spread, each kind shifted so kinds rarely coincide. */
export function schedule(plan: SoakPlan): Map<number, Fault[]> {
  const at = new Map<number, Fault[]>();
  const place = (fault: Fault, count: number, shift: number) => {
    for (let i = 0; i < count; i++) {
      const n = Math.floor(((i + shift) * plan.messages) / count) + 1;
      at.set(n, [...(at.get(n) ?? []), fault]);
    }
  };
  place('drop', plan.drops, 0.5);
  place('restart', plan.restarts, 0.3);
  place('reload', plan.reloads, 0.8);
  if (plan.secondTab > 0) place('tab', 1, 0.55);
  return at;
}

/** What the browser itself prints while a server is down: not the widget's doing. */
const BROWSER_NETWORK_LINE =
  /Failed to load resource|ERR_CONNECTION_REFUSED|WebSocket connection to .* failed/;

/** Readers the soak page defines (e2e/pages/soak.js): the screen, scrolled through, and storage. */
type Readers = {
  soakReadScreen(): Promise<string[]>;
  soakReadStored(): string[];
  soakReadUnsettled(): string[];
};
const readScreen = (page: Page) => page.evaluate(() => (window as unknown as Readers).soakReadScreen());
const readStored = (page: Page) => page.evaluate(() => (window as unknown as Readers).soakReadStored());
const readUnsettled = (page: Page) => page.evaluate(() => (window as unknown as Readers).soakReadUnsettled());

/** Polls a condition until it holds (true) or the deadline passes (false). */
async function until(deadline: number, check: () => boolean | Promise<boolean>): Promise<boolean> {
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

export async function runSoak(
  browser: Browser,
  transport: SoakTransport,
  plan: SoakPlan,
  progress: (line: string) => void = () => {},
  /** A file for the run's timeline (trace.ts). */
  traceFile?: string,
): Promise<SoakReport> {
  const trace = traceFile ? new SoakTrace(traceFile) : null;
  const say = (line: string) => {
    trace?.note(line);
    progress(line);
  };
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const replies: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  let pendingSays = 0;
  let conversation: string | undefined;
  const away: string[] = [];
  const stalls: string[] = [];

  const nextReply = (to: string) => {
    const text = label('r', replies.length + 1);
    replies.push(text);
    backend.say(to, text);
  };
  // The server answers every message it stores with the next numbered reply, a moment later.
  const heard = new Set<string>();
  const backend = new SoakBackend(transport, (arrival: VisitorArrival) => {
    conversation ??= arrival.conversation;
    if (heard.has(arrival.text))
      say(
        `${transport.label}: ${arrival.text} again${arrival.repeat ? ' (recognised)' : ''} at ${elapsed()}`,
      );
    heard.add(arrival.text);
    trace?.note(`server stored ${arrival.text}${arrival.repeat ? ' (a repeat, recognised)' : ''}`);
    if (arrival.repeat) return;
    pendingSays += 1;
    setImmediate(() => {
      pendingSays -= 1;
      nextReply(arrival.conversation);
    });
  });
  const received = () => new Set(backend.arrivals.map((a) => a.text));
  const hasAllUpTo = (n: number) => {
    const got = received();
    for (let i = 1; i <= n; i++) if (!got.has(label('v', i))) return false;
    return true;
  };

  let context: BrowserContext | undefined;
  /** The first tab, whose sessionStorage holds the trace of its pages. */
  let traced: Page | undefined;
  try {
    await backend.start();
    context = await browser.newContext();
    await trace?.attach(context);
    const query = new URLSearchParams(transport.attributes).toString();
    const pageUrl = () => `${backend.url}/e2e/pages/soak.html?${query}`;
    const watch = (page: Page, name: string) => {
      page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' && !BROWSER_NETWORK_LINE.test(m.text()))
          consoleErrors.push(`${name}: ${m.text()}`);
      });
    };
    const ready = async (page: Page) => {
      await page.waitForFunction(() => {
        const p = (window as { Parley?: unknown }).Parley;
        return typeof p === 'object' && p !== null && !Array.isArray(p);
      });
      await page.evaluate(() => (window as unknown as { Parley: { open(): void } }).Parley.open());
      await page.getByRole('textbox', { name: 'Message' }).waitFor();
    };
    const apiSend = (page: Page, text: string) =>
      page.evaluate((t) => (window as unknown as { Parley: { send(t: string): void } }).Parley.send(t), text);

    const first = await context.newPage();
    traced = first;
    watch(first, 'tab 1');
    await first.goto(pageUrl());
    await ready(first);
    const composer = first.getByRole('textbox', { name: 'Message' });

    const faults = schedule(plan);
    let second: Page | undefined;
    let secondUntil = 0;
    let upAgainAfter = 0;
    let lastFaultAt = Date.now();
    const horizon = () => Date.now() + plan.drainTimeoutMs;
    // A protocol that keeps nothing for an absent visitor (or nothing across a restart): what is
    // under way arrives before a fault (before a restart).
    const settle = async (n: number, fault: Fault) => {
      const needed = transport.replay === false || (fault === 'restart' && transport.restartForgets);
      if (!needed || !backend.running) return;
      const settled = await until(horizon(), async () => {
        if (!hasAllUpTo(n - 1) || pendingSays > 0) return false;
        const stored = new Set(await readStored(first));
        return replies.every((r) => stored.has(r));
      });
      if (!settled) {
        const got = received();
        const stored = new Set(await readStored(first));
        const missing = [
          ...Array.from({ length: n - 1 }, (_, i) => label('v', i + 1)).filter((t) => !got.has(t)),
          ...replies.filter((r) => !stored.has(r)),
        ];
        const stall = `before ${label('v', n)}: ${missing.slice(0, 5).join(', ')} not there after ${plan.drainTimeoutMs / 1000} s`;
        stalls.push(stall);
        say(`${transport.label}: stalled ${stall}`);
      }
    };

    let at = 0;
    try {
      for (let n = 1; n <= plan.messages; n++) {
        at = n;
        for (const fault of faults.get(n) ?? []) {
          if (fault !== 'tab') await settle(n, fault);
          if (fault === 'drop') {
            backend.drop();
            // Written while the widget is away: where the protocol keeps it for later, a numbered
            // reply like any other; where it keeps nothing, one counted apart (lost by design).
            if (conversation && transport.replay !== false) nextReply(conversation);
            else if (conversation) {
              const text = label('a', away.length + 1);
              away.push(text);
              backend.say(conversation, text);
            }
          } else if (fault === 'restart' && backend.running) {
            await backend.stop();
            upAgainAfter = n + plan.whileDown - 1;
          } else if (fault === 'reload') {
            await first.reload();
            await ready(first);
          } else if (fault === 'tab' && backend.running) {
            // Start from a settled point, so the order across the two tabs is defined.
            await until(horizon(), () => hasAllUpTo(n - 1));
            second = await context.newPage();
            watch(second, 'tab 2');
            await second.goto(pageUrl());
            await ready(second);
            secondUntil = n + plan.secondTab - 1;
          }
          lastFaultAt = Date.now();
          say(
            `${transport.label}: ${fault} before ${label('v', n)} at ${((Date.now() - started) / 1000).toFixed(1)} s`,
          );
        }

        const text = label('v', n);
        const sentAt = Date.now();
        if (second && n <= secondUntil) await apiSend(second, text);
        else if (n % 2 === 1) {
          // Typed as a visitor types, without waiting for the composer to look settled (it is
          // usable while the log below it animates).
          await composer.fill(text, { force: true });
          await composer.press('Enter');
        } else await apiSend(first, text);
        if (Date.now() - sentAt > 2000)
          say(`${transport.label}: ${text} took ${Date.now() - sentAt} ms to hand over`);

        if (second && n === secondUntil) {
          await until(horizon(), () => hasAllUpTo(n));
          await trace?.collect(second, 'tab 2');
          await second.close();
          second = undefined;
          lastFaultAt = Date.now();
        }
        if (!backend.running && n >= upAgainAfter) {
          await backend.start();
          lastFaultAt = Date.now();
        }
      }
    } catch (error) {
      // Say where it stuck and what the page looked like, instead of a bare locator timeout.
      const shot = `test-results/soak-${transport.label.replace(/\W+/g, '-')}-${label('v', at)}.png`;
      await first.screenshot({ path: shot }).catch(() => {});
      const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new Error(
        `${transport.label}: stuck at ${label('v', at)} after ${elapsed()} (${why}); see ${shot}`,
      );
    }
    if (!backend.running) await backend.start();
    const drainFrom = Math.max(lastFaultAt, Date.now());

    const expectedVisitor = Array.from({ length: plan.messages }, (_, i) => label('v', i + 1));
    const drained = await until(drainFrom + plan.drainTimeoutMs, async () => {
      if (!hasAllUpTo(plan.messages) || pendingSays > 0) return false;
      const shown = new Set(await readStored(first));
      return replies.every((r) => shown.has(r));
    });
    const drainMs = drained ? Date.now() - drainFrom : null;

    let acks: AckSummary | undefined;
    const module = backend.module();
    if (transport.acks && module) {
      const conversations = [...new Set(backend.arrivals.map((a) => a.conversation))];
      const read = () => {
        const all = conversations.map((c) => transport.acks!(module, c));
        return summariseAcks(
          all.flatMap((a) => a.sent),
          new Map(all.flatMap((a) => [...a.acks])),
        );
      };
      // Acknowledgements follow the messages: give the last ones the same time to arrive.
      await until(Date.now() + plan.drainTimeoutMs / 4, () => read().unacknowledged === 0);
      acks = read();
    }

    // A send's state follows its confirmation: give the last ones the same time to settle.
    const protocolId = transport.messageId !== undefined;
    let settled = splitUnsettled([], [], protocolId);
    await until(Date.now() + plan.drainTimeoutMs / 4, async () => {
      settled = splitUnsettled(await readUnsettled(first), backend.arrivals, protocolId);
      return settled.unsettled.length === 0;
    });
    const observed = await readScreen(first);
    const report: SoakReport = {
      transport: transport.label,
      visitor: tallyVisitor(expectedVisitor, backend.arrivals, protocolId),
      repeatsCaught: backend.arrivals.filter((a) => a.repeat).length,
      conversations: new Set(backend.arrivals.map((a) => a.conversation)).size,
      replies: tally(
        replies,
        observed.filter((t) => t.startsWith('r')),
      ),
      drainMs,
      stalls,
      ...settled,
      pageErrors,
      consoleErrors,
      durationMs: Date.now() - started,
    };
    if (acks) report.acks = acks;
    if (transport.messageId) report.repeatsByProtocolId = transport.messageId;
    if (transport.restartForgets) report.restartForgets = transport.restartForgets;
    if (transport.replay === false)
      report.away = { written: away.length, shown: observed.filter((t) => away.includes(t)).length };
    return report;
  } finally {
    if (trace) {
      if (traced) await trace.collect(traced, 'tab 1').catch(() => {});
      progress(`${transport.label}: timeline in ${trace.write()}`);
    }
    await context?.close();
    await backend.close();
  }
}

/** True when the run meets the bar: nothing lost, duplicated or reordered, no error, drained. */
export function clean(r: SoakReport): boolean {
  const zero = (t: Tally) => t.lost + t.duplicated + t.reordered + t.unexpected === 0;
  return (
    zero(r.visitor) &&
    zero(r.replies) &&
    r.conversations === 1 &&
    r.drainMs !== null &&
    r.stalls.length === 0 &&
    r.unsettled.length === 0 &&
    (r.acks?.unacknowledged ?? 0) === 0 &&
    r.pageErrors.length === 0 &&
    r.consoleErrors.length === 0
  );
}
