#!/usr/bin/env node
/**
 * `npm run dev`: rebuilds dist/parley.js on every change and runs the reference server, so a
 * reload of the demo page shows the change. Ctrl-C stops both.
 */
import { spawn } from 'node:child_process';

const children = [
  spawn('npx', ['vite', 'build', '--watch', '--minify', 'false'], { stdio: 'inherit' }),
  spawn('npx', ['tsx', 'watch', 'server/cli.ts', ...process.argv.slice(2)], { stdio: 'inherit' }),
];
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', (code) => code && stop());
