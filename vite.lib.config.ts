import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/**
 * The npm package's build (`npm run build` runs it after the script-tag builds of vite.config.ts):
 * `dist/lib/parley.js`, an ES module with `mount()`, and one module per split point (`import()` in
 * `src/`), which the site's own bundler turns into chunks it loads on demand. preact and
 * @preact/signals stay imports (the package's dependencies): a site that uses them too ships one
 * copy. Not minified: the site's bundler minifies, and readable code is easier to debug.
 * `scripts/lib-types.mjs` adds the `.d.ts` files next to it.
 */
export default defineConfig({
  define: { __PARLEY_VERSION__: JSON.stringify(pkg.version) },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    outDir: 'dist/lib',
    emptyOutDir: true,
    copyPublicDir: false,
    minify: false,
    cssMinify: 'esbuild',
    lib: {
      entry: 'src/embed/lib.ts',
      formats: ['es'],
      fileName: () => 'parley.js',
    },
    rolldownOptions: {
      external: [/^preact(\/|$)/, /^@preact\/signals(\/|$)/],
      output: { chunkFileNames: 'parley-[name]-[hash].js' },
    },
  },
});
