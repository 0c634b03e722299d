// The site's own bundler setup: nothing Parley-specific is needed.
export default { base: './', build: { outDir: 'dist' } };
