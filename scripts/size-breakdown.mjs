#!/usr/bin/env node
/**
 * `node scripts/size-breakdown.mjs [file…]`: what each shipped file is made of, from its source map.
 * Run after `npm run build`. For every file (default: the first script and every pack), each source
 * file's share is given as minified bytes and as its gzip cost: the file gzipped whole minus the
 * file gzipped without that source's bytes (so the costs do not add up exactly to the total: gzip
 * shares context between sources). `--json` prints the table as JSON; `--top N` limits the rows.
 * `--without a,b` also gives each file's gzip size without the sources whose names start with a or
 * b (what a lazy split of them would take off). `--show SOURCE` prints the bytes attributed to one source (`(glue)` for what no map covers).
 * `--parts` sums the rows by part instead (a library, a layer of src/, one transport, the stylesheets,
 * the glue), for each file and over all the files named: `node scripts/size-breakdown.mjs --parts
 * parley.js parley-pack-ws-chat-<hash>.js parley-ru-<hash>.js` is what a Russian ws-chat visitor
 * downloads, by part.
 * A source present in more than one file of a visitor (the first script and a pack, say) is listed
 * at the end: it is downloaded twice.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url);
const args = process.argv.slice(2);
const json = args.includes('--json');
const parts = args.includes('--parts');
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : Number.POSITIVE_INFINITY;
const withoutAt = args.indexOf('--without');
/** `--without a,b`: also print each file's gzip size without the sources starting with a or b. */
const without = withoutAt >= 0 ? args[withoutAt + 1].split(',') : [];
const showAt = args.indexOf('--show');
const show = showAt >= 0 ? args[showAt + 1] : undefined;
const named = args.filter(
  (a, i) => !a.startsWith('--') && !['--top', '--show', '--without'].includes(args[i - 1]),
);
const manifest = JSON.parse(readFileSync(new URL('chunks.json', dist), 'utf8'));
const targets = named.length
  ? named
  : [
      manifest.entry,
      ...Object.entries(manifest.files)
        .filter(([, f]) => /^(pack|pack\+en|language):/.test(f.role))
        .map(([name]) => name),
    ];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Decodes a v3 `mappings` string into lines of [column, source] (only what is needed here). */
function decode(mappings) {
  const lines = [];
  let source = 0;
  for (const line of mappings.split(';')) {
    const segs = [];
    let column = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const values = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0];
      if (values.length > 1) {
        source += values[1];
        segs.push([column, source]);
      } else segs.push([column, -1]);
    }
    lines.push(segs);
  }
  return lines;
}

/** Where a source lives, shortened: `src/ui/Panel.tsx`, `preact`, `@preact/signals-core`. */
function label(source) {
  const path = source.replace(/^(\.\.\/)+/, '');
  const pkg = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  return pkg ? `npm:${pkg[1]}` : path;
}

/** For each byte of `code`, the source it came from, `(css)` or `(glue)` (wrappers, exports, loader). */
function attribute(code, map) {
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === '\n') lineStarts.push(i + 1);
  const owner = new Array(code.length).fill('(glue)');
  const sections = map.sections ?? [{ offset: { line: 0, column: 0 }, map }];
  sections.forEach((section, s) => {
    const m = section.map;
    const lines = decode(m.mappings);
    const nextLine = sections[s + 1]?.offset.line ?? lineStarts.length;
    for (let l = 0; l < lines.length; l++) {
      const line = section.offset.line + l;
      if (line >= nextLine || line >= lineStarts.length) break;
      const start = lineStarts[line];
      const end = (lineStarts[line + 1] ?? code.length + 1) - 1;
      const segs = lines[l];
      for (let i = 0; i < segs.length; i++) {
        const from = start + segs[i][0] + (l === 0 ? section.offset.column : 0);
        const to = i + 1 < segs.length ? start + segs[i + 1][0] : end;
        const who = segs[i][1] >= 0 ? label(m.sources[segs[i][1]]) : null;
        if (!who) continue;
        for (let b = from; b < to && b < end; b++) owner[b] = who;
      }
    }
  });
  // Vite inlines the stylesheets as string literals that no map covers: name those runs `(css)`.
  for (let i = 0; i < code.length; ) {
    let j = i;
    while (j < code.length && owner[j] === owner[i]) j++;
    if (owner[i] === '(glue)') {
      const run = code.slice(i, j);
      // Terser single-quotes a string that holds double quotes, as stylesheets do (font names).
      for (const m of run.matchAll(/'(?:[^'\\\n]|\\.){200,}'/g))
        if (/^'[^']*\{[^']*\}/.test(m[0])) owner.fill('(css)', i + m.index, i + m.index + m[0].length);
    }
    i = j;
  }
  return owner;
}

const gz = (s) => gzipSync(Buffer.from(s), { level: 9 }).length;
const report = {};
const seenIn = new Map();
for (const file of targets) {
  const code = readFileSync(new URL(file, dist), 'utf8');
  const map = JSON.parse(readFileSync(new URL(`${file}.map`, dist), 'utf8'));
  const owner = attribute(code, map);
  const total = gz(code);
  const rows = new Map();
  for (let i = 0; i < code.length; i++) rows.set(owner[i], (rows.get(owner[i]) ?? 0) + 1);
  if (show) {
    // `--show SOURCE`: print that source's runs of bytes in this file (longest first).
    const runs = [];
    for (let i = 0; i < code.length; ) {
      let j = i;
      while (j < code.length && owner[j] === owner[i]) j++;
      if (owner[i] === show) runs.push(code.slice(i, j));
      i = j;
    }
    runs.sort((a, b) => b.length - a.length);
    for (const r of runs.slice(0, top)) console.log(`--- ${file} (${r.length} B)\n${r.slice(0, 600)}`);
  }
  const table = [...rows.entries()]
    .map(([source, min]) => {
      let without = '';
      for (let i = 0; i < code.length; i++) if (owner[i] !== source) without += code[i];
      return { source, min, gzip: total - gz(without) };
    })
    .sort((a, b) => b.gzip - a.gzip);
  report[file] = { gzip: total, min: code.length, sources: table };
  if (without.length) {
    let rest = '';
    for (let i = 0; i < code.length; i++) if (!without.some((w) => owner[i].startsWith(w))) rest += code[i];
    report[file].without = { sources: without, gzip: gz(rest), saves: total - gz(rest) };
  }
  for (const r of table) {
    if (r.source === '(glue)') continue;
    seenIn.set(r.source, [...(seenIn.get(r.source) ?? []), file]);
  }
}

const firstSources = new Set(report[manifest.entry]?.sources.map((r) => r.source) ?? []);
const twice = [...seenIn.entries()]
  .filter(([source, files]) => firstSources.has(source) && files.length > 1 && !source.startsWith('('))
  .map(([source, files]) => ({ source, files }));

/** The part a source belongs to: a library, a transport, a layer of src/, or itself. */
function partOf(source) {
  if (source.startsWith('npm:@preact/signals')) return 'signals (core and Preact binding)';
  if (source.startsWith('npm:')) return source.slice(4);
  const transport = source.match(/^src\/(?:transports|embed\/transports)\/([\w-]+)(?:\/|\.ts$)/);
  if (
    transport &&
    !['base', 'reconnector', 'types', 'json-frame', 'close-quietly', 'liveness'].includes(transport[1])
  )
    return `transport ${transport[1]}`;
  if (source.startsWith('src/transports/')) return 'transports (shared)';
  const layer = source.match(/^src\/(\w+)\//);
  return layer ? `src/${layer[1]}` : source;
}

if (parts) {
  const all = new Map();
  let total = 0;
  for (const [file, r] of Object.entries(report)) {
    const sums = new Map();
    for (const row of r.sources) sums.set(partOf(row.source), (sums.get(partOf(row.source)) ?? 0) + row.gzip);
    console.log(`\n${file}: ${r.gzip} B gzip`);
    for (const [part, bytes] of [...sums].sort((a, b) => b[1] - a[1])) {
      console.log(`  ${String(bytes).padStart(6)}  ${part}`);
      all.set(part, (all.get(part) ?? 0) + bytes);
    }
    total += r.gzip;
  }
  if (Object.keys(report).length > 1) {
    console.log(
      `\nall ${Object.keys(report).length} files: ${total} B gzip (a part's cost: the file without it, summed)`,
    );
    for (const [part, bytes] of [...all].sort((a, b) => b[1] - a[1]))
      console.log(`  ${String(bytes).padStart(6)}  ${part}`);
  }
} else if (json) {
  console.log(JSON.stringify({ files: report, inFirstAndElsewhere: twice }, null, 2));
} else {
  for (const [file, r] of Object.entries(report)) {
    console.log(
      `\n${file}: ${r.gzip} B gzip, ${r.min} B minified (${manifest.files[file]?.role ?? 'entry'})`,
    );
    if (r.without)
      console.log(
        `  without ${r.without.sources.join(', ')}: ${r.without.gzip} B gzip (-${r.without.saves})`,
      );
    console.log(`  ${'gzip'.padStart(6)} ${'min'.padStart(7)}  source`);
    for (const row of r.sources.slice(0, top))
      console.log(`  ${String(row.gzip).padStart(6)} ${String(row.min).padStart(7)}  ${row.source}`);
  }
  if (twice.length) {
    console.log('\nIn the first script AND another file (downloaded twice by a visitor who opens the chat):');
    for (const t of twice) console.log(`  ${t.source}: ${t.files.join(', ')}`);
  } else console.log('\nNo source is both in the first script and in another file.');
}
