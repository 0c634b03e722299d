#!/usr/bin/env node
/**
 * `npm run size`: gzip sizes of what a visitor downloads, checked against hard budgets (issue 9).
 * The budgets are the product promise ("a fraction of the size of other widgets"): raising one is
 * a decision to write down in the commit, not a number to bump quietly.
 *
 * - first script: `dist/parley.js`, which shows the launcher and its unread badge;
 * - a visitor's whole widget: the first script + the panel + any ONE transport + one language, each
 *   with the shared files it needs (from `dist/chunks.json`, written by build/classic-chunks.ts),
 *   checked for every transport and language, so a new adapter is held to it the day it lands
 *   (an English visitor takes the pack that holds the English catalogue; zh/ru the plain pack and
 *   their catalogue);
 * - the files loaded on demand (`lazy:` in chunks.json), each with what triggers it and what it adds
 *   to a visitor who already has the first open's files, and per transport the total with all of
 *   them (reported: a visitor downloads them only when the trigger happens, so the budget holds the
 *   first open; an on-demand file unknown to TRIGGERS fails the run, so none is added unexplained);
 * - the single-file build (`dist/single/parley.js`), reported;
 * - the shipped stylesheet still carries the documented `--parley-z-index` default (a CSS minifier
 *   once rounded 2147483000 to 2147480000).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET_FIRST = 20_000;
// Issue 9 asks for 32,000. The split measured 43,751 (twin) and 40,038 (ws-chat) when it landed;
// the same day the envelope generation of ws-chat, verified identity, the welcome state and
// tab sharing landed beside it (ws-chat visitor 49,100, twin 47,935), so the ratchet was raised once,
// on purpose, to keep CI meaningful. It only goes down from here, to 32,000, as the cuts land.
// Raised again, on purpose, when the tabs were wired in (issue 7: one connection per visitor per
// browser; the election, bus and shared transport were on main before but nothing loaded them):
// +6,382 B for the ws-chat visitor (48,996 -> 55,378). Cut: load the tab code only once a second tab
// of the site shows up.
// Lowered when each transport got a pack (the panel, the transport and what both need in one file,
// which compresses better than six): ws-chat 56,551 -> 55,196, twin 55,624 -> 54,354.
// Raised, on purpose, to 56,000 after merging main at 04:30: the page API, the support check and
// the tab fixes that landed meanwhile put the ws-chat visitor at 55,779 and the first script at
// 20,308 (308 B over its budget). The first script came back under it by moving the English
// catalogue, all but the launcher's strings, to the pack (first script -751 B, visitor +126 B).
// And to 56,300 after merging main at 04:50 (the ws-chat adapter split into session/incoming/
// outgoing files: ws-chat visitor 55,905 -> 56,222). Next cut: the tab code (about 5,400 B of the
// pack) loaded only once a second tab of the site shows up.
// Lowered to 55,900 by build changes (size2, issue 9): Rolldown's minifyInternalExports and
// the chunks' export getters written compactly (build/classic-chunks.ts): ws-chat 56,282 -> 55,807.
// Main meanwhile gained server-history paging (ws-chat older.ts: transport +541 B) and the
// 'Not confirmed' send state (panel +307, catalogues +79): ws-chat visitor 56,713 at 06:40, over
// 56,300 before this merge. Set to 56,750 so CI stays meaningful while the next cuts land.
// Lowered to 55,900: zh and ru are complete, so their visitors download no English catalogue
// (each transport has a pack with it for English visitors and one without): the worst visitor, ru
// on ws-chat, 56,713 -> 55,825.
// Raised, on purpose, to 57,600 after merging main at 07:30: older messages from the server's
// history (issue 16: ws-chat older.ts 786 B, store/older.ts 661, the log's button and state) put
// the ws-chat visitor at 57,553. Loading ws-chat's older.ts as a lazy file was tried and dropped:
// the log asks for older messages as soon as a conversation is short of a screen, so every visitor
// who converses fetched it anyway (one more request, no byte saved).
// Lowered to 57,350: the classes in every pack (tab-shared transport, reconnector, backoff, emitter,
// election role) keep their private state in ES private fields, which terser mangles (TypeScript's
// `private` names were shipped whole): ws-chat visitor 57,553 -> 57,288, twin -221, chatfaq -204.
// Then 57,500 after merging main at 07:55 (tab-sync changes: ws-chat visitor 57,451).
// Then 57,600 at 08:25: a confirmation that comes after the send timeout still makes a message sent
// (store/outbox.ts) and the last landings of the session: ws-chat visitor 57,559 (ru).
// Lowered to 53,725 (size9): the tab-sharing code (election, bus, relaying transport, store sync:
// 5,899 B gzip) is a file of its own, loaded only when a second tab of the site opens; the site's
// first tab runs alone until then and adopts its link when one does (embed/tabs.ts): ws-chat ru
// visitor 57,559 -> 53,625, every transport about -3,900.
// Lowered to 53,250 (size9): the list of attached files and the image viewer, each with its
// stylesheet, load when first used (ui/on-demand.ts): ws-chat ru visitor 53,553 -> 53,054; 53,145
// after merging main at 09:55 (store/persist changes); 53,350 after main's ws-chat gap-fill fixes
// at 10:00 (ws-chat ru visitor 53,251).
// Lowered to 53,150 (size9): the page-attention code (title badge, chime, notifications) loads with
// the panel only where the page set data-title-badge or data-sound, else when it calls
// Parley.enableNotifications(): ws-chat ru visitor 53,251 -> 53,029 (first script +67 of it).
// Lowered to 52,350 (size9): a message's files (thumbnails, file cards and their stylesheet:
// ui/Attachments.tsx) load the first time a message with a file is shown: ws-chat ru visitor
// 53,053 -> 52,240. Then 52,400 at 10:45 (main meanwhile: ws-chat ru visitor 52,284), so that the
// ~100 B margin holds.
// Lowered to 51,675 (size10): the panel's chunk holds what the panel and every transport share
// (build/panel-chunk.ts: one factory where there were six), the first script's code is one factory
// beside the libraries' (preserveEntrySignatures false), and terser writes ES2020 without Safari 10
// workarounds: ws-chat ru visitor 52,266 -> 51,499, first script 19,681 -> 19,325 (51,573 after
// merging main at 12:05: postoffice's closeQuietly).
// Lowered to 50,850 (size10): the rich-text formatter (core/richtext.ts, ui/FormattedText.tsx) loads
// with the first message that may hold markup or a link; plain text is drawn without it:
// ws-chat ru visitor 51,573 -> 50,759 (the file alone is ~1,280 B when it comes).
// Lowered to 50,725 (size10): the stylesheets' internal custom properties have one- or two-letter
// names in the build (build/short-css-vars.ts): ws-chat ru visitor 50,759 -> 50,621; 50,602
// without Symbol.toStringTag/__esModule marks on the chunks' exports. Set to 50,700.
// Lowered to 50,450 (size10): each pack holds the catalogue, the transport, then the panel (gzip
// measured 150-300 B smaller than the panel first): ws-chat ru visitor 50,602 -> 50,345.
// Raised to 50,670 (lead): ws-chat envelope names an agent who joins live (a history look-up,
// frames held meanwhile, the operator announced again): +221 B gzip, ws-chat ru visitor 50,570.
// Lowered to 49,950 (size11): older messages' paging (store/older-pages.ts, ws-chat/older.ts) loads
// when the log needs older messages: the visitor scrolls to the top, or a resumed conversation's log
// is too short to scroll (prefetched at idle once its panel opens); a conversation begun on this page
// never asks by itself. ws-chat ru visitor 50,570 -> 49,841, the others about -100.
const BUDGET_VISITOR = 49_950;
/** Issue 9's goal for a visitor (first + panel + one transport + one language); reported, not enforced yet. */
const GOAL_VISITOR = 32_000;
/** What makes a visitor download each on-demand file (`lazy:<name>` in chunks.json). */
const TRIGGERS = {
  'tab-sharing': 'a second tab of the site opens (both tabs then; at once in browsers without Web Locks)',
  upload: 'ws-chat: the visitor sends a file',
  'older-pages':
    "the log needs older messages: the visitor scrolls to its top, or a resumed conversation's log is too short to scroll (prefetched at idle when its panel opens)",
  older: 'ws-chat: the same, for the server history (with older-pages)',
  attention:
    'the page sets data-title-badge or data-sound (then with the panel), or calls Parley.enableNotifications()',
  UploadList: 'the visitor attaches a file (the list of files above the composer, its stylesheet)',
  ImageViewer: 'the visitor opens an image (the viewer, its stylesheet)',
  Attachments: 'a message with a file or a picture is shown (thumbnails, file cards, their stylesheet)',
  FormattedText:
    'a message that may hold markup or a link is shown (the rich-text formatter: bold, italic, code, links)',
};
const Z_INDEX_DEFAULT = '2147483000';

const dist = new URL('../dist/', import.meta.url);
const read = (name) => {
  try {
    return readFileSync(new URL(name, dist));
  } catch {
    console.error(`dist/${name} is missing: run \`npm run build\` first.`);
    process.exit(1);
  }
};
const gzip = (name) => gzipSync(read(name), { level: 9 }).length;
const { entry, files } = JSON.parse(read('chunks.json').toString('utf8'));

const problems = [];
const first = gzip(entry);
/** A file and the shared files it needs, minus those already counted. */
const closure = (name, counted = new Set()) => [name, ...files[name].deps].filter((f) => !counted.has(f));
const bytes = (names) => names.reduce((n, f) => n + gzip(f), 0);
const byRole = (prefix) =>
  Object.entries(files)
    .filter(([, f]) => f.role.startsWith(prefix))
    .map(([name, f]) => ({ name, label: f.role.slice(prefix.length) }));

const panelName = Object.keys(files).find((f) => files[f].role === 'panel');
if (!panelName) {
  console.error('dist/chunks.json names no panel file: was the build split?');
  process.exit(1);
}
const panelFiles = closure(panelName);
const panel = bytes(panelFiles);
const counted = new Set(panelFiles);
const transports = byRole('transport:').map((t) => ({ ...t, bytes: bytes(closure(t.name, counted)) }));
// A transport's packs (build/classic-chunks.ts): the panel, the transport and what both need, in one
// file: what a visitor of that transport downloads after the first script. The `pack+en` one also
// holds the English catalogue (an English visitor's one file); a zh or ru visitor takes the plain
// pack and their catalogue beside it.
const packs = new Map(byRole('pack:').map((p) => [p.label, gzip(p.name)]));
const packsWithEnglish = new Map(byRole('pack+en:').map((p) => [p.label, gzip(p.name)]));
const lazies = byRole('lazy:');
for (const l of lazies)
  if (!TRIGGERS[l.label])
    problems.push(`on-demand file ${l.name} has no trigger in scripts/size.mjs TRIGGERS`);
const languages = byRole('language:').map((l) => ({ ...l, bytes: bytes(closure(l.name, counted)) }));

const pad = (s, n) => String(s).padStart(n);
console.log(`first script    ${entry.padEnd(30)} ${pad(first, 6)} B gzip   budget ${BUDGET_FIRST}`);
console.log(`panel           ${`${panelFiles.length} file(s)`.padEnd(30)} ${pad(panel, 6)} B gzip`);
for (const t of transports) console.log(`transport       ${t.label.padEnd(30)} ${pad(t.bytes, 6)} B gzip`);
for (const l of languages) console.log(`language        ${l.label.padEnd(30)} ${pad(l.bytes, 6)} B gzip`);
if (first > BUDGET_FIRST) problems.push(`the first script is ${first - BUDGET_FIRST} B over its budget`);
for (const t of transports) {
  const pack = packs.get(t.label) ?? panel + t.bytes;
  // What this transport's visitor downloads in each language; the budget holds the largest.
  const visits = languages.map((l) => {
    const withEnglish = l.label === 'en' ? packsWithEnglish.get(t.label) : undefined;
    return withEnglish
      ? { lang: l.label, what: `pack with en ${pad(withEnglish, 6)}`, total: first + withEnglish }
      : {
          lang: l.label,
          what: `pack ${pad(pack, 6)} + ${l.label} ${pad(l.bytes, 5)}`,
          total: first + pack + l.bytes,
        };
  });
  const worst = visits.reduce((a, b) => (b.total > a.total ? b : a), {
    lang: '-',
    what: 'pack',
    total: first + pack,
  });
  const others = visits.filter((v) => v !== worst).map((v) => `${v.lang} ${v.total}`);
  console.log(
    `a visitor of ${t.label.padEnd(12)} first + ${worst.what} = ${pad(worst.total, 6)} B gzip (${others.join(', ')})   budget ${BUDGET_VISITOR}, goal ${GOAL_VISITOR} (${worst.total - GOAL_VISITOR} B to go)`,
  );
  // What each on-demand file adds for this visitor: it and the shared files it needs that the
  // first open did not bring (a file needing another transport's code is not this visitor's).
  const has = new Set([...panelFiles, ...closure(t.name)]);
  const extras = lazies
    .map((l) => ({ ...l, files: closure(l.name, has) }))
    .filter((l) => !l.files.some((f) => files[f].role.startsWith('transport:')));
  if (extras.length) {
    const added = extras.map((l) => `${l.label} +${bytes(l.files)}`).join(', ');
    const all = new Set(extras.flatMap((l) => l.files));
    console.log(`   on demand    ${added}: with all of them ${pad(worst.total + bytes([...all]), 6)} B gzip`);
  }
  const total = worst.total;
  if (total > BUDGET_VISITOR)
    problems.push(`a ${t.label} visitor downloads ${total - BUDGET_VISITOR} B over the budget`);
}
for (const l of lazies)
  console.log(
    `on demand       ${l.label.padEnd(30)} ${pad(gzip(l.name), 6)} B gzip   when ${TRIGGERS[l.label] ?? '?'}`,
  );
const single = gzipSync(read('single/parley.js'), { level: 9 }).length;
console.log(`single file     single/parley.js               ${pad(single, 6)} B gzip (everything, one file)`);

const shipped = readdirSync(dist)
  .filter((f) => f.endsWith('.js'))
  .map((f) => read(f).toString('utf8'))
  .join('\n');
if (!new RegExp(`--parley-z-index,\\s*${Z_INDEX_DEFAULT}\\)`).test(shipped))
  problems.push(
    `the stylesheet lost the documented --parley-z-index default ${Z_INDEX_DEFAULT} (a CSS minifier rounding it?)`,
  );

if (problems.length) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
