/// <reference types="vitest/config" />
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { classicChunks } from './build/classic-chunks';
import { panelChunk } from './build/panel-chunk';
import { shortCssVars } from './build/short-css-vars';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/**
 * Two builds of the same code (`npm run build` runs both):
 *
 * - `vite build` → `dist/parley.js` and `dist/parley-*.js`: the script tag loads a small entry that
 *   shows the launcher; the panel, the visitor's one transport and a non-English catalogue follow
 *   as classic scripts from the same directory (build/classic-chunks.ts). Every `import()` in
 *   `src/` is a split point.
 * - `vite build --mode single` → `dist/single/parley.js`: everything in one IIFE, for those who
 *   prefer one file.
 *
 * CSS arrives as strings and is adopted as constructable stylesheets inside the shadow root, so no
 * <style> or <link> is needed. Free savings measured for issue 9: es2022 (no class-field helpers),
 * terser with three passes, esbuild for CSS (Lightning CSS rounds the documented z-index default
 * 2147483000 to 2147480000; `npm run size` checks the shipped value). `minifyInternalExports`
 * gives the exports chunks share one-letter names (Rolldown keeps the source names for CommonJS
 * output otherwise): -276 B gzip for a ws-chat visitor. `safari10: false` (Vite turns terser's
 * Safari 10 workarounds on; es2022 code never runs there) and `ecma: 2020`: -88 B. Fewer, larger
 * chunks (each chunk is a factory with its exports and `require`s, and its bindings are reached
 * as properties from the others): `preserveEntrySignatures: false` lets the first script's own
 * modules share one chunk (the entry exports nothing a page uses), the `libs` group keeps the
 * libraries in one chunk beside it (gzip measured 150 B better than everything in one), and
 * build/panel-chunk.ts gives the panel one chunk with what every transport shares: ws-chat visitor
 * -680 B. The stylesheets' internal custom properties (`--_*`) get short names (build/short-css-vars.ts,
 * both builds): -138 B. No `Symbol.toStringTag` or `__esModule` marks on the chunks' exports
 * (nothing reads them; the loader hands namespaces to Parley's own code only): -19 B. `node scripts/size-breakdown.mjs` shows what each file is made of.
 */
export default defineConfig(({ mode }) => {
  const single = mode === 'single';
  const panel = panelChunk();
  return {
    define: { __PARLEY_VERSION__: JSON.stringify(pkg.version) },
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    css: { postcss: { plugins: [shortCssVars(fileURLToPath(new URL('./src', import.meta.url)))] } },
    plugins: single ? [] : [panel.plugin, classicChunks()],
    build: {
      target: 'es2022',
      outDir: single ? 'dist/single' : 'dist',
      emptyOutDir: true,
      copyPublicDir: false,
      sourcemap: true,
      minify: 'terser',
      terserOptions: { safari10: false, ecma: 2020, compress: { passes: 3 } },
      cssMinify: 'esbuild',
      lib: {
        entry: 'src/embed/index.ts',
        formats: single ? ['iife'] : ['cjs'],
        name: 'ParleyBundle',
        fileName: () => 'parley.js',
      },
      rolldownOptions: single
        ? { output: { codeSplitting: false } }
        : {
            preserveEntrySignatures: false,
            output: {
              chunkFileNames: 'parley-[name]-[hash].js',
              minifyInternalExports: true,
              generatedCode: { symbols: false },
              esModule: false,
              codeSplitting: {
                groups: [
                  {
                    name: 'libs',
                    test: /node_modules/,
                    tags: ['$initial'],
                    includeDependenciesRecursively: false,
                  },
                  { ...panel.group, includeDependenciesRecursively: false },
                ],
              },
            },
          },
    },
    test: {
      // Integration tests start real servers; give them room on a busy 2-core machine.
      testTimeout: 30_000,
      hookTimeout: 30_000,
      // Node is the default: only components and the embed layer need a DOM (jsdom costs seconds of
      // setup per file, which on two busy cores is most of a unit-test run).
      projects: [
        {
          extends: true,
          test: {
            name: 'node',
            environment: 'node',
            include: [
              'src/**/*.test.{ts,tsx}',
              'server/**/*.test.ts',
              'test/**/*.test.{ts,tsx}',
              'build/**/*.test.ts',
            ],
            exclude: ['src/ui/**', 'src/embed/**', '**/*.dom.test.{ts,tsx}'],
          },
        },
        {
          extends: true,
          test: {
            name: 'dom',
            environment: 'jsdom',
            include: [
              'src/ui/**/*.test.{ts,tsx}',
              'src/embed/**/*.test.{ts,tsx}',
              'src/**/*.dom.test.{ts,tsx}',
            ],
          },
        },
      ],
    },
  };
});
