#!/usr/bin/env node
/**
 * Holds the architecture's one-way imports (ENGINEERING.md, ARCHITECTURE.md):
 *   core        imports nothing of ours and no Preact
 *   transports  imports core (and other transports' shared helpers) only
 *   store       imports core and transport *types* only, and no Preact components
 *   ui          imports store, core, i18n, theme; never an adapter
 *   i18n        imports nothing of ours but core
 *   embed       wires everything
 * Test files (`*.test.ts(x)`) and test support files (`test-*.ts(x)`) may import what they test
 * against (servers, the emulator): they are never part of the bundle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = new URL('../src/', import.meta.url).pathname;
const RULES = {
  core: { allow: ['core'], preact: false },
  transports: { allow: ['core', 'transports'], preact: false },
  store: { allow: ['core', 'store', 'transports/types', 'transports/base'], preact: 'signals' },
  ui: { allow: ['core', 'store', 'ui', 'i18n', 'theme', 'transports/types'], preact: true },
  i18n: { allow: ['core', 'i18n'], preact: false },
  theme: { allow: ['theme'], preact: false },
  embed: { allow: null, preact: true },
};

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.startsWith('test-')) yield path;
  }
}

const problems = [];
for (const file of files(SRC)) {
  const rel = relative(SRC, file);
  const layer = rel.split('/')[0];
  const rule = RULES[layer];
  if (!rule) continue;
  const text = readFileSync(file, 'utf8');
  for (const [, spec] of text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
    if (spec.startsWith('.')) {
      if (!rule.allow) continue;
      const target = relative(SRC, join(file, '..', spec));
      if (target.startsWith('..')) {
        problems.push(`${rel}: imports ${spec}, outside src/`);
        continue;
      }
      if (!rule.allow.some((a) => target === a || target.startsWith(`${a}/`))) {
        problems.push(`${rel}: the ${layer} layer may not import ${target}`);
      }
    } else if (spec === 'preact' || spec.startsWith('preact/')) {
      if (rule.preact !== true) problems.push(`${rel}: the ${layer} layer may not import ${spec}`);
    } else if (spec === '@preact/signals') {
      if (!rule.preact) problems.push(`${rel}: the ${layer} layer may not import ${spec}`);
    }
  }
}
if (problems.length) {
  console.error(`Layering violations:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('layers: ok');
