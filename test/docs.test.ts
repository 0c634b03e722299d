/**
 * The docs a clone of Parley has (issue 15): they point only at files the repository holds (a clone
 * has no `../shared`), and the README gives sizes in the one unit `npm run size` measures, so the
 * figures a site owner reads and the ones the size check prints agree.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const DOCS = [
  'README.md',
  'TRANSPORTS.md',
  'ARCHITECTURE.md',
  'THEMING.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Markdown link targets that name a place in the repository (not a web address or an anchor). */
function localLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^([a-z]+:|#)/i.test(target))
    .map((target) => target.split('#')[0]!);
}

describe('the docs point only inside the repository', () => {
  it.each(DOCS)('%s names no ../shared or machine path', (doc) => {
    expect(read(doc).match(/\.\.\/shared\b|\/work\/\S+/g) ?? []).toEqual([]);
  });

  it.each(DOCS)('every relative link in %s reaches a file of the repository', (doc) => {
    const missing = localLinks(read(doc)).filter((target) => !existsSync(join(root, dirname(doc), target)));
    expect(missing).toEqual([]);
  });
});

describe('the README states sizes once, in the unit npm run size measures', () => {
  const readme = read('README.md');
  const size = read('scripts/size.mjs');

  it('measures with gzip at level 9, as the README says', () => {
    expect(size).toMatch(/gzipSync\(.*\{ level: 9 \}\)/);
    expect(readme).toMatch(/bytes of the file compressed with gzip at level 9/);
  });

  it('writes gzip sizes in bytes, never in KB', () => {
    expect(readme.match(/\d[\d.,]*\s*[kK]i?B\s+gzip/g) ?? []).toEqual([]);
  });

  it("gives the first script's budget as npm run size checks it", () => {
    const budget = Number(size.match(/const BUDGET_FIRST = ([\d_]+);/)?.[1]?.replaceAll('_', ''));
    const stated = readme.match(/under ([\d,]+) bytes gzip/)?.[1];
    expect(budget).toBeGreaterThan(0);
    expect(Number(stated?.replaceAll(',', ''))).toBe(budget);
  });
});
