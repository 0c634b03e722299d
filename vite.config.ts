/// <reference types="vitest/config" />
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/**
 * One build: `dist/parley.js`, a single IIFE with everything inlined (CSS arrives as a string and is
 * adopted as a constructable stylesheet inside the shadow root, so no <style> or <link> is needed).
 */
export default defineConfig({
  define: { __PARLEY_VERSION__: JSON.stringify(pkg.version) },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2020',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: true,
    lib: {
      entry: 'src/embed/index.ts',
      formats: ['iife'],
      name: 'ParleyBundle',
      fileName: () => 'parley.js',
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
          include: ['src/**/*.test.{ts,tsx}', 'server/**/*.test.ts', 'test/**/*.test.{ts,tsx}'],
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
});
