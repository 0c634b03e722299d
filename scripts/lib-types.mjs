#!/usr/bin/env node
/**
 * The npm package's `.d.ts` files: tsc writes declarations for every file the entries reach
 * (tsconfig.lib.json), and this keeps only those the public types refer to, following their
 * relative imports from the entries (`embed/lib.d.ts` for `parley`, `embed/global.d.ts` for
 * `parley/global`), into `dist/lib/types/`. Internals that no public type names stay out of the
 * package.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const EMITTED = join(ROOT, 'dist/lib-types');
const OUT = join(ROOT, 'dist/lib/types');
const ENTRIES = ['embed/lib.d.ts', 'embed/global.d.ts'];

rmSync(EMITTED, { recursive: true, force: true });
rmSync(OUT, { recursive: true, force: true });
execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(ROOT, 'tsconfig.lib.json')], {
  stdio: 'inherit',
});

const kept = new Set();
const pending = [...ENTRIES];
while (pending.length) {
  const rel = normalize(pending.pop());
  if (kept.has(rel)) continue;
  const file = join(EMITTED, rel);
  if (!existsSync(file)) throw new Error(`lib-types: ${rel} was not emitted (a public type names it)`);
  kept.add(rel);
  const text = readFileSync(file, 'utf8');
  for (const [, spec] of text.matchAll(/(?:from\s+|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    pending.push(join(dirname(rel), `${spec.replace(/\.js$/, '')}.d.ts`));
  }
}
for (const rel of kept) {
  mkdirSync(dirname(join(OUT, rel)), { recursive: true });
  copyFileSync(join(EMITTED, rel), join(OUT, rel));
}
rmSync(EMITTED, { recursive: true, force: true });
console.log(`lib-types: ${kept.size} declaration files in dist/lib/types (${[...kept].sort().join(', ')})`);
