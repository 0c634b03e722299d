#!/usr/bin/env node
/**
 * `npm run size`: the raw and gzip size of dist/parley.js, checked against a hard budget.
 * The budget is the product promise ("a fraction of the size of other widgets"): raising it is a
 * decision to write down in the commit, not a number to bump quietly.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

// 40 KB: Preact + signals (~8 KB), two transports with their own Socket.IO client (~9 KB), the
// conversation UI with uploads, three languages and the stylesheet (~20 KB). Measured 37.9 KB when
// set (2026-11-22). Web Chat's full bundle is ~950 KB gzip; the point is to stay a small fraction.
const BUDGET_GZIP = 40 * 1024;
const file = new URL('../dist/parley.js', import.meta.url);

let code;
try {
  code = readFileSync(file);
} catch {
  console.error('dist/parley.js is missing: run `npm run build` first.');
  process.exit(1);
}
const gzip = gzipSync(code, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(
  `dist/parley.js: ${code.length} bytes raw (${kb(code.length)}), ${gzip} bytes gzip -9 (${kb(gzip)}); budget ${kb(BUDGET_GZIP)} gzip`,
);
if (gzip > BUDGET_GZIP) {
  console.error(`Over the size budget by ${gzip - BUDGET_GZIP} bytes gzip.`);
  process.exit(1);
}
