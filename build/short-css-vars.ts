/**
 * Shortens the stylesheets' internal custom properties (`--_bubble-out-text` -> `--_q`) in both
 * builds (issue 9). They are internal by contract (THEMING.md: the public ones are `--parley-*`,
 * untouched); the page never sees them. The names come from src/theme/*.css, the most used get
 * the shortest, and a name the code sets from JavaScript (`style.setProperty('--_vvh', …)`) keeps
 * its own, so every stylesheet of one build, and the code, agree. Source maps do not cover the
 * stylesheets (they are strings), so debugging reads src/theme for the long names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const NAME = /--_[\w-]+/g;
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), keep) : keep(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Long name -> short name, for every internal property the themes use and no script names. */
export function shortNames(src: string): Map<string, string> {
  const counts = new Map<string, number>();
  for (const file of filesUnder(join(src, 'theme'), (n) => n.endsWith('.css')))
    for (const [name] of readFileSync(file, 'utf8').matchAll(NAME))
      counts.set(name, (counts.get(name) ?? 0) + 1);
  const fromScripts = new Set(
    filesUnder(src, (n) => /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n)).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(NAME)].map(([name]) => name),
    ),
  );
  const names = [...counts.entries()]
    .filter(([name]) => !fromScripts.has(name))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([name]) => name);
  const short = (i: number): string =>
    i < LETTERS.length
      ? (LETTERS[i] as string)
      : short(Math.floor(i / LETTERS.length) - 1) + LETTERS[i % LETTERS.length];
  return new Map(names.map((name, i) => [name, `--_${short(i)}`]));
}

/** The PostCSS plugin (Vite runs it after inlining `@import`s): renames in properties and values. */
export function shortCssVars(src: string) {
  const names = shortNames(src);
  const rename = (text: string) => text.replace(NAME, (name) => names.get(name) ?? name);
  return {
    postcssPlugin: 'parley-short-css-vars',
    Declaration(decl: { prop: string; value: string }) {
      decl.prop = rename(decl.prop);
      decl.value = rename(decl.value);
    },
  };
}
