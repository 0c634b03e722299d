/**
 * `npm run soak`: the full soak (e2e/soak/run.ts) against every transport in e2e/soak/transports.ts,
 * each `--runs` times (default 2): 500 visitor messages, numbered replies, 20 drops, 5 restarts
 * that keep server state, 2 reloads and a second tab. Prints the figures; exits 1 unless every run
 * is clean (all zero, drained, no page error). `--short` runs the plan `npm test` uses;
 * `--only twin` picks one transport; `--trace` writes each run's timeline (e2e/soak/trace.ts)
 * to test-results/ and prints the faults as they happen.
 */

import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../e2e/chromium';
import type { Tally } from '../e2e/soak/metrics';
import { clean, FULL_PLAN, runSoak, SHORT_PLAN, type SoakReport } from '../e2e/soak/run';
import { SOAK_TRANSPORTS } from '../e2e/soak/transports';

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    runs: { type: 'string', default: '2' },
    only: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
  },
});
const plan = values.short ? SHORT_PLAN : FULL_PLAN;
const transports = SOAK_TRANSPORTS.filter((t) =>
  values.only ? t.label === values.only : !values.short || t.short !== false,
);
const runs = Number(values.runs);

const fmt = (t: Tally) =>
  `${t.lost} / ${t.duplicated} / ${t.reordered}${t.unexpected ? ` (+${t.unexpected} unexpected)` : ''}`;

function print(r: SoakReport, run: number): void {
  const acks = r.acks
    ? `${r.acks.messages} messages, ${r.acks.unacknowledged} unacknowledged, ${r.acks.min}–${r.acks.max} acks each (${r.acks.total} in all)`
    : 'n/a';
  console.log(
    [
      `== ${r.transport}, run ${run}: ${clean(r) ? 'CLEAN' : 'NOT CLEAN'} (${(r.durationMs / 1000).toFixed(0)} s)`,
      `  visitor messages at the server, lost / duplicated / reordered: ${fmt(r.visitor)}` +
        (r.repeatsCaught
          ? r.repeatsByProtocolId
            ? ` (${r.repeatsCaught} resends, each with the ${r.repeatsByProtocolId} of its first copy, the protocol's own ` +
              'message id: delivered twice, taken once, not scored)'
            : ` (${r.repeatsCaught} resends caught by the reference server's id check, which the seed lacks: scored)`
          : ''),
      `  replies on screen, lost / duplicated / reordered:              ${fmt(r.replies)}`,
      ...[r.visitor, r.replies]
        .filter((t) => t.examples.length)
        .map((t) => `    e.g. ${t.examples.join(', ')}`),
      `  conversations: ${r.conversations}`,
      `  acknowledgements: ${acks}`,
      ...(r.away
        ? [
            `  written while the widget was away: ${r.away.written}, shown ${r.away.shown}: lost by the protocol's design ` +
              '(it keeps nothing for a visitor who is away), not scored',
          ]
        : []),
      ...(r.restartForgets
        ? [`  restarts: ${r.restartForgets} (by design); the soak let what was under way arrive before each`]
        : []),
      `  stalls (what was under way had not arrived before a fault): ${r.stalls.length}`,
      ...r.stalls.slice(0, 5).map((s) => `    ${s}`),
      `  visitor messages still shown as not sent at the end: ${r.unsettled.length}` +
        (r.unsettled.length ? ` (${r.unsettled.slice(0, 5).join(', ')})` : ''),
      `  shown "Not confirmed" at the end, at the server exactly once: ${r.unconfirmedAtServerOnce.length}` +
        (r.unconfirmedAtServerOnce.length
          ? ` (${r.unconfirmedAtServerOnce.slice(0, 5).join(', ')}): delivered once, so not scored; their post ` +
            'got no answer and the widget asks the visitor (Retry) instead of posting again'
          : ''),
      `  drain after the last fault: ${r.drainMs === null ? 'did not drain' : `${(r.drainMs / 1000).toFixed(1)} s`}`,
      `  page errors: ${r.pageErrors.length}, console errors: ${r.consoleErrors.length}`,
      ...[...new Set([...r.pageErrors, ...r.consoleErrors])].slice(0, 10).map((e) => `    ${e}`),
    ].join('\n'),
  );
}

const browser = await chromium.launch(chromiumLaunchOptions);
let allClean = true;
try {
  console.log(
    `soak plan: ${plan.messages} messages, ${plan.drops} drops, ${plan.restarts} restarts, ${plan.reloads} reloads, ` +
      `${plan.secondTab ? `a second tab (${plan.secondTab} messages)` : 'no second tab'}`,
  );
  for (const transport of transports) {
    for (let run = 1; run <= runs; run++) {
      const report = await runSoak(
        browser,
        transport,
        plan,
        values.verbose || values.trace ? (l) => console.log(l) : undefined,
        values.trace
          ? `test-results/soak-trace-${transport.label.replace(/\W+/g, '-')}-${run}.log`
          : undefined,
      );
      print(report, run);
      allClean &&= clean(report);
    }
  }
} finally {
  await browser.close();
}
process.exit(allClean ? 0 : 1);
