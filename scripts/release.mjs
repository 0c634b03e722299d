#!/usr/bin/env node
/**
 * The file a site owner downloads (the last step of `npm run build`): the one-file build,
 * `dist/single/parley.js`, as `dist/parley-<version>.js`, so the version is in its name and a
 * cached copy is never mistaken for another. Prints its Subresource Integrity hash for the tag's
 * `integrity` attribute (README, "Download a release") and writes both to `dist/release.json`.
 * The source-map comment is left out: it would name the split build's map.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const code = readFileSync(new URL('single/parley.js', dist), 'utf8').replace(
  /\n\/\/# sourceMappingURL=\S+\s*$/,
  '\n',
);
const file = `parley-${version}.js`;
writeFileSync(new URL(file, dist), code);
const integrity = `sha384-${createHash('sha384').update(code).digest('base64')}`;
writeFileSync(new URL('release.json', dist), `${JSON.stringify({ file, version, integrity }, null, 2)}\n`);
console.log(
  `release: dist/${file} (${Buffer.byteLength(code)} B)\n  integrity="${integrity}" crossorigin="anonymous"`,
);
