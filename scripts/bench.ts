/**
 * `npm run bench`: the figures of issue 9, side by side, from one Chromium run on this machine.
 *
 *   npm run bench                               this tree against a 2 KB vanilla launcher
 *   npm run bench -- --baseline 4d508ca         … and against an older commit ("before")
 *   npm run bench -- --baseline-max 10000       the older commit's sizes up to this (default 5,000)
 *   npm run bench -- --rounds 21                rounds (default 11: a p95 of 11 is their slowest)
 *   npm run bench -- --quick                    fewer rounds and sizes (a smoke run)
 *   npm run bench -- --sizes 10,10000           only these conversation sizes
 *   npm run bench -- --sizes none               no conversation sizes (with --no-bursts: startup only)
 *   npm run bench -- --no-startup --no-bursts   leave those parts out
 *
 * Startup (interleaved rounds, fresh context each): script start → launcher visible, click → text
 * box focused, JS heap with the panel open; as ratios to the vanilla launcher. Runtime (a build
 * that counts component renders): send → reply p50/p95 at 10 / 1,000 / 5,000 messages, main-thread
 * work and components per round trip, opening the panel on N messages (pointer down → newest
 * message in the DOM), DOM nodes, scroll frames, bursts of 1,000 with the panel open and closed,
 * longest task. Sizes: gzip of what a visitor downloads.
 * The machine is shared and busy: compare ratios and orders of magnitude, not single numbers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../e2e/chromium';
import { startServer } from '../server/index';
import { type Build, baselineBuilds, currentBuilds } from './bench/builds';
import type { Variant } from './bench/pages';
import { type BurstFigures, runtime, type SizeFigures } from './bench/runtime';
import { startup } from './bench/startup';
import { median, p95, table } from './bench/stats';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag('quick');
const baselineRev = value('baseline');
const rounds = Number(value('rounds') ?? (quick ? 3 : 11));

/** Gzip of what a first-time visitor of ws-chat downloads before chatting, per build. */
function sizes(build: Build): { first: number; visitor: number } {
  const gz = (name: string) => gzipSync(readFileSync(join(build.dir, name)), { level: 9 }).length;
  const first = gz('parley.js');
  let manifest: { files: Record<string, { role: string; deps: string[] }> } | undefined;
  try {
    manifest = JSON.parse(readFileSync(join(build.dir, 'chunks.json'), 'utf8'));
  } catch {
    return { first, visitor: first }; // one file
  }
  const files = manifest!.files;
  // A pack holds the panel and the transport in one file (build/classic-chunks.ts).
  const pack = Object.entries(files).find(([, f]) => f.role === 'pack:ws-chat')?.[0];
  if (pack) return { first, visitor: first + gz(pack) };
  const need = new Set<string>();
  for (const [name, f] of Object.entries(files)) {
    if (f.role === 'panel' || f.role === 'transport:ws-chat') for (const n of [name, ...f.deps]) need.add(n);
  }
  return { first, visitor: first + [...need].reduce((n, f) => n + gz(f), 0) };
}

console.log('building the variants…');
const current = await currentBuilds();
const baseline = baselineRev ? await baselineBuilds(baselineRev) : undefined;

// The flat generation of ws-chat: what an older build (--baseline) speaks; the page sets
// data-protocol="flat" so this build speaks it too and both are measured on the same frames.
const server = await startServer({ replyDelayMs: 0, wsChatProtocol: 'flat' });
const browser = await chromium.launch(chromiumLaunchOptions);
try {
  const variants: Variant[] = [
    { kind: 'vanilla', label: 'vanilla 2 KB' },
    ...(baseline ? [{ kind: 'parley' as const, label: baseline.real.label, build: baseline.real }] : []),
    { kind: 'parley', label: 'after', build: current.real },
  ];
  const start = flag('no-startup') ? undefined : await startup(browser, server.url, variants, rounds);
  const floor = start?.get('vanilla 2 KB') ?? [];
  const ratio = (xs: number[], base: number[]) => median(xs) / median(base);
  if (start)
    table(
      `Startup: medians of ${rounds} interleaved rounds (ratio to the vanilla launcher)`,
      ['variant', 'script → launcher ms', '×', 'click → focus ms', '×', 'heap KB', '×'],
      variants.map((v) => {
        const s = start.get(v.label)!;
        const l = s.map((x) => x.launcherMs);
        const f = s.map((x) => x.focusMs);
        const h = s.map((x) => x.heapBytes / 1024);
        return [
          v.label,
          median(l),
          ratio(
            l,
            floor.map((x) => x.launcherMs),
          ).toFixed(1),
          median(f),
          ratio(
            f,
            floor.map((x) => x.focusMs),
          ).toFixed(1),
          median(h),
          ratio(
            h,
            floor.map((x) => x.heapBytes / 1024),
          ).toFixed(2),
        ];
      }),
    );

  const vanillaGzip = gzipSync(readFileSync(new URL('../e2e/pages/vanilla-launcher.js', import.meta.url)), {
    level: 9,
  }).length;
  table(
    'Size (gzip -9): the first script, and everything a ws-chat visitor downloads to chat',
    ['variant', 'first script B', 'ws-chat visitor B'],
    [
      ['vanilla 2 KB', vanillaGzip, vanillaGzip],
      ...(baseline ? [[baseline.real.label, sizes(baseline.real).first, sizes(baseline.real).visitor]] : []),
      ['after', sizes(current.real).first, sizes(current.real).visitor],
    ],
  );

  const runtimeSizes =
    value('sizes')
      ?.split(',')
      .map(Number)
      .filter((n) => n > 0) ?? (quick ? [10, 1000] : [10, 1000, 5000, 10_000]);
  const options = {
    bursts: !flag('no-bursts'),
    rounds,
    roundBudgetMs: quick ? 20_000 : 90_000,
    waitMs: quick ? 60_000 : 180_000,
  };
  const results: Array<{ label: string; sizes: SizeFigures[]; bursts: BurstFigures[] }> = [];
  for (const build of [...(baseline ? [baseline.probe] : []), current.probe]) {
    // Builds from before issue 9 take minutes per round trip at 10,000 messages: stop at 5,000
    // unless told otherwise.
    const max = Number(value('baseline-max') ?? 5000);
    const wanted = build === current.probe ? runtimeSizes : runtimeSizes.filter((s) => s <= max);
    results.push({
      label: build.label,
      ...(await runtime(browser, server, build, { ...options, sizes: wanted })),
    });
  }

  const rows: Array<Array<number | string | undefined>> = [];
  for (const size of runtimeSizes) {
    for (const r of results) {
      const f = r.sizes.find((s) => s.size === size);
      rows.push([
        `${size.toLocaleString('en')} msgs, ${r.label}`,
        f?.openMs,
        f?.roundTrips.length ? median(f.roundTrips) : undefined,
        f?.roundTrips.length ? p95(f.roundTrips) : undefined,
        f?.roundTrips.length,
        f?.tripWorkMs,
        f?.renders.length ? median(f.renders) : undefined,
        f?.domNodes,
        f?.scrollFrameP95,
        f?.scrollWorkP95,
        f?.scrollLate,
        f?.gaveUp ? `gave up: ${f.gaveUp}` : f ? '' : 'not run',
      ]);
    }
  }
  table(
    'Runtime: send → reply in the DOM (reference server, reply delay 0)',
    [
      'conversation',
      'open panel ms',
      'p50 ms',
      'p95 ms',
      'n',
      'work ms/trip',
      'components/trip',
      'DOM nodes',
      'scroll: frame interval p95 ms',
      'frame work p95 ms',
      'late frames /120',
      '',
    ],
    rows,
  );
  for (const r of results) {
    const small = r.sizes.find((s) => s.size === 10);
    const big = r.sizes.find((s) => s.size === 5000);
    if (small?.roundTrips.length && big?.roundTrips.length)
      console.log(
        `${r.label}: p95 at 5,000 / p95 at 10 = ${(p95(big.roundTrips) / p95(small.roundTrips)).toFixed(2)}`,
      );
  }
  table(
    'Bursts of 1,000 incoming messages',
    ['variant, panel', 'all shown ms', 'longest task ms', 'tasks > 50 ms', ''],
    results.flatMap((r) =>
      r.bursts.map((b) => [
        `${r.label}, ${b.panel}`,
        b.ms,
        b.longestTaskMs,
        b.tasksOver50,
        b.gaveUp ? `gave up: ${b.gaveUp}` : '',
      ]),
    ),
  );
} finally {
  await browser.close();
  await server.close();
}
