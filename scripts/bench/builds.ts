/**
 * The builds `npm run bench` compares: this tree's `dist/` as shipped, an older commit's build (the
 * "before" of a change, `--baseline <git rev>`), and of each a copy that counts component renders
 * (a Preact options hook injected into the entry; used only for the runtime figures).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'vite';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const CACHE = join(ROOT, 'node_modules', '.cache', 'parley-bench');

export interface Build {
  label: string;
  /** Directory holding `parley.js` (and, for a split build, the files it loads). */
  dir: string;
}

/** Counts every component render (`options.__r` runs before each) into `window.__parleyRenders`. */
function countRenders(): Plugin {
  return {
    name: 'parley-bench:count-renders',
    enforce: 'post',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('/src/embed/index.ts')) return null;
      const probe = `import { options as __benchOptions } from 'preact';
{ const prev = __benchOptions.__r; __benchOptions.__r = (v) => { globalThis.__parleyRenders = (globalThis.__parleyRenders || 0) + 1; if (prev) prev(v); }; }
`;
      return { code: probe + code, map: null };
    },
  };
}

async function buildTree(root: string, outDir: string, probe: boolean): Promise<void> {
  await build({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'silent',
    plugins: probe ? [countRenders()] : [],
    // The probe builds are compared with each other only: the faster minifier will do.
    build: { outDir, emptyOutDir: true, ...(probe ? { minify: true } : {}) },
  });
}

/** This tree: `dist/` as `npm run build` left it, and a render-counting copy. */
export async function currentBuilds(): Promise<{ real: Build; probe: Build }> {
  const real = { label: 'after', dir: join(ROOT, 'dist') };
  if (!existsSync(join(real.dir, 'parley.js')))
    throw new Error('dist/parley.js is missing: run npm run build');
  const probe = { label: 'after', dir: join(CACHE, 'current-probe') };
  await buildTree(ROOT, probe.dir, true);
  return { real, probe };
}

/**
 * An older commit, checked out into a worktree of its own (node_modules shared with this tree) and
 * built the way that commit builds (kept by commit id, so a second run reuses it).
 */
export async function baselineBuilds(rev: string): Promise<{ real: Build; probe: Build; sha: string }> {
  const sha = execFileSync('git', ['rev-parse', '--short', rev], { cwd: ROOT, encoding: 'utf8' }).trim();
  const tree = join(CACHE, `tree-${sha}`);
  const real = { label: `before (${sha})`, dir: join(CACHE, `before-${sha}`) };
  const probe = { label: `before (${sha})`, dir: join(CACHE, `before-${sha}-probe`) };
  if (existsSync(join(real.dir, 'parley.js')) && existsSync(join(probe.dir, 'parley.js')))
    return { real, probe, sha };
  mkdirSync(CACHE, { recursive: true });
  if (existsSync(tree)) {
    execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: ROOT });
    rmSync(tree, { recursive: true, force: true });
  }
  execFileSync('git', ['worktree', 'add', '--detach', tree, sha], { cwd: ROOT, stdio: 'ignore' });
  try {
    symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
    await buildTree(tree, real.dir, false);
    await buildTree(tree, probe.dir, true);
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: ROOT });
  }
  return { real, probe, sha };
}
