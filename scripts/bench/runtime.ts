/**
 * The widget under load, against the reference server (reply delay 0), with a build that counts
 * component renders: send → reply in the DOM at growing conversation sizes (and the components one
 * round trip renders), opening the panel on N messages, DOM nodes, scroll frames, and bursts of
 * 1,000 incoming messages with the panel open and closed (time to all shown, longest task).
 * Every wait has a limit: a build that cannot keep up gets "> limit" instead of hanging the run.
 */
import type { Browser, Page } from '@playwright/test';
import type { RunningServer } from '../../server/types';
import { getWsChatModule } from '../../server/ws-chat/index';
import type { Build } from './builds';
import { openContext, pageUrl } from './pages';
import type { PageProbe } from './probe';

type Bench = { __bench: PageProbe; __parleyRenders?: number };

export interface SizeFigures {
  /** Messages in the conversation. */
  size: number;
  openMs?: number;
  domNodes?: number;
  roundTrips: number[];
  /**
   * Main-thread work per round trip (Chromium's TaskDuration over the round trips and the writes
   * they leave pending, divided by their number): what a message costs, whether or not it delays
   * the reply on screen (a storage write 16 ms later does not, but it is work all the same).
   */
  tripWorkMs?: number;
  renders: number[];
  /** Scrolling up: the 95th percentile of the intervals between frames (one vsync is 16.7 ms at 60 Hz). */
  scrollFrameP95?: number;
  /** Scrolling up: the 95th percentile of a frame's main-thread work, from its vsync to its paint. */
  scrollWorkP95?: number;
  /** Scrolling up: frames that came more than half a vsync late (a dropped frame or more). */
  scrollLate?: number;
  /** Set when a wait ran out: what did not finish. */
  gaveUp?: string;
}

export interface BurstFigures {
  panel: 'open' | 'closed';
  ms?: number;
  longestTaskMs: number;
  tasksOver50: number;
  gaveUp?: string;
}

export interface RuntimeOptions {
  sizes: number[];
  rounds: number;
  /** Per size, round trips stop after this long (at least 3 are taken). */
  roundBudgetMs: number;
  waitMs: number;
  /** Measure the bursts of 1,000 (default true). */
  bursts?: boolean;
}

/** A page with the widget open and a conversation the server knows: returns its id. */
async function converse(browser: Browser, server: RunningServer, build: Build) {
  const context = await openContext(browser, { kind: 'parley', label: build.label, build });
  const page = await context.newPage();
  const ws = getWsChatModule(server);
  const id = new Promise<string>((resolve) => {
    const off = ws.testing.onVisitorMessage((conversation) => {
      off();
      resolve(conversation);
    });
  });
  await page.goto(pageUrl(server.url, { kind: 'parley', label: build.label, build }));
  await page.getByRole('button', { name: 'Open chat' }).click();
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('hello');
  await box.press('Enter');
  await page.getByText('You said: hello').first().waitFor();
  return { context, page, id: await id, count: 2 };
}

const waitText = (page: Page, text: string, ms: number) =>
  page.evaluate(
    ([t, m]) => (window as unknown as Bench).__bench.waitForText(t as string, m as number),
    [text, ms],
  );

/** Types `text` and presses Enter in the page; resolves the ms until the bot's echo is in the DOM and the renders it took. */
const roundTrip = (page: Page, text: string, ms: number) =>
  page.evaluate(
    async ([t, m]) => {
      const w = window as unknown as Bench;
      const root = w.__bench.root();
      const box = root.querySelector('textarea')!;
      box.focus();
      box.value = t as string;
      box.dispatchEvent(new Event('input', { bubbles: true }));
      const before = w.__parleyRenders ?? 0;
      const start = performance.now();
      const shown = w.__bench.waitForText(`You said: ${t}`, m as number);
      box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
      const at = await shown;
      // Let the renders this round trip caused finish (two frames) before counting them.
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return { ms: at - start, renders: (w.__parleyRenders ?? 0) - before };
    },
    [text, ms],
  );

/**
 * The log scrolls up 150 px per frame for 120 frames (a fast fling through older messages). Per
 * frame: the interval since the previous one, and its main-thread work: from the frame's vsync
 * (the rAF timestamp) until a message posted in its rAF callback runs, which is after the frame's
 * scroll events, renders, style, layout and paint. Headless Chromium draws at 60 Hz, so intervals
 * are multiples of 16.7 ms: their p95 says whether frames were dropped, the work says by how much a
 * frame fits its budget.
 */
const scrollFrames = (page: Page) =>
  page.evaluate(async () => {
    // (No named functions in here: tsx would wrap them in a helper the page lacks.)
    const log = (window as unknown as Bench).__bench.root().querySelector<HTMLElement>('[role="log"]')!;
    const gaps: number[] = [];
    const work: number[] = [];
    let last = 0;
    for (let i = 0; i <= 120; i++) {
      if (i > 0) log.scrollTop -= 150;
      const now = await new Promise<number>((resolve) =>
        requestAnimationFrame((vsync) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            if (i > 0) work.push(performance.now() - vsync);
          };
          channel.port2.postMessage(0);
          resolve(vsync);
        }),
      );
      if (i > 0) gaps.push(now - last);
      last = now;
    }
    await new Promise((r) => setTimeout(r, 50));
    gaps.sort((x, y) => x - y);
    work.sort((x, y) => x - y);
    return {
      interval: gaps[Math.ceil(gaps.length * 0.95) - 1]!,
      work: work[Math.ceil(work.length * 0.95) - 1]!,
      late: gaps.filter((g) => g > gaps[0]! * 1.5).length,
    };
  });

const closePanel = (page: Page) => page.getByRole('button', { name: 'Open chat' }).click();

/**
 * Opening the panel: from the pointer going down on the launcher until `last` (the newest message)
 * is in the DOM. (Not from before Playwright's click, whose checks that the launcher is visible and
 * still wait a few frames of their own.)
 */
async function openTime(page: Page, last: string, ms: number): Promise<number> {
  await page.evaluate(
    ([t, m]) => {
      const w = window as unknown as Bench & { __shown?: Promise<number> };
      w.__shown = w.__bench.waitForText(t as string, m as number);
    },
    [last, ms],
  );
  await page.getByRole('button', { name: 'Open chat' }).click();
  return page.evaluate(async () => {
    const w = window as unknown as Bench & { __shown?: Promise<number> };
    return (await w.__shown!) - w.__bench.pointerAt;
  });
}

export async function runtime(
  browser: Browser,
  server: RunningServer,
  build: Build,
  options: RuntimeOptions,
): Promise<{ sizes: SizeFigures[]; bursts: BurstFigures[] }> {
  const ws = getWsChatModule(server);
  const sizes: SizeFigures[] = [];
  const c = await converse(browser, server, build);
  try {
    for (const size of options.sizes) {
      const figures: SizeFigures = { size, roundTrips: [], renders: [] };
      sizes.push(figures);
      process.stdout.write(`\r${build.label}: ${size} messages…          `);
      try {
        // Grow the conversation with the panel closed (as a visitor who left it closed), then open it.
        const add = size - c.count;
        if (add > 0) {
          await closePanel(c.page);
          for (let i = 0; i < add; i++) ws.testing.say(c.id, `seed ${size} ${i}`);
          c.count = size;
          await waitText(c.page, `${add} unread message`, options.waitMs);
          figures.openMs = await openTime(c.page, `seed ${size} ${add - 1}`, options.waitMs);
        }
        figures.domNodes = await c.page.evaluate(
          () => (window as unknown as Bench).__bench.root().querySelectorAll('*').length,
        );
        const cdp = await c.page.context().newCDPSession(c.page);
        await cdp.send('Performance.enable');
        const busy = async () =>
          ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ??
            0) * 1000;
        const busyBefore = await busy();
        const started = Date.now();
        for (let r = 0; r < options.rounds; r++) {
          if (r >= 3 && Date.now() - started > options.roundBudgetMs) break;
          const trip = await roundTrip(c.page, `ping ${size} ${r}`, options.waitMs);
          c.count += 2;
          figures.roundTrips.push(trip.ms);
          figures.renders.push(trip.renders);
        }
        await c.page.waitForTimeout(100); // the last trip's storage write (16 ms later) included
        figures.tripWorkMs = ((await busy()) - busyBefore) / figures.roundTrips.length;
        await cdp.detach();
        const scroll = await scrollFrames(c.page);
        figures.scrollFrameP95 = scroll.interval;
        figures.scrollWorkP95 = scroll.work;
        figures.scrollLate = scroll.late;
        await c.page
          .getByRole('button', { name: /Jump to latest/ })
          .click({ timeout: 2000 })
          .catch(() => {});
      } catch (err) {
        figures.gaveUp = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
        break;
      }
    }
  } finally {
    await c.context.close();
  }
  const bursts: BurstFigures[] = [];
  for (const panel of options.bursts === false ? [] : (['open', 'closed'] as const)) {
    const b = await converse(browser, server, build);
    process.stdout.write(`\r${build.label}: burst of 1,000, panel ${panel}…          `);
    const figures: BurstFigures = { panel, longestTaskMs: 0, tasksOver50: 0 };
    try {
      if (panel === 'closed') await closePanel(b.page);
      const start = await b.page.evaluate(() => performance.now());
      for (let i = 0; i < 1000; i++) ws.testing.say(b.id, `burst ${i}`);
      const end = await waitText(
        b.page,
        panel === 'open' ? 'burst 999' : '1000 unread messages',
        options.waitMs,
      );
      figures.ms = end - start;
      const tasks = await b.page.evaluate(
        (from) => (window as unknown as Bench).__bench.longTasks.filter((t) => t.start >= from),
        start,
      );
      figures.longestTaskMs = Math.max(0, ...tasks.map((t) => t.duration));
      figures.tasksOver50 = tasks.filter((t) => t.duration > 50).length;
    } catch (err) {
      figures.gaveUp = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
    } finally {
      bursts.push(figures);
      await b.context.close();
    }
  }
  process.stdout.write('\n');
  return { sizes, bursts };
}
