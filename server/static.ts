/**
 * Static files for the demo, and nothing else: the demo pages at the top (`/demo.html`), their
 * assets from `public/`, the end-to-end test pages (`/e2e/pages/`), and the built widget with its
 * chunks from `dist/` (published at the top, like a CDN would). Only GET/HEAD, only those places and
 * types, never outside the root, never dot-files: the repository root also holds `package.json`,
 * the lock file, sources and source maps, which a demo server has no reason to hand out.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { sendText } from './http';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Where a request path may come from: a directory under the root, the URL prefix it is served at, and the types. */
const PLACES: ReadonlyArray<{ dir: string; prefix: string; types: readonly string[]; nested?: boolean }> = [
  { dir: '.', prefix: '/', types: ['.html'] },
  { dir: 'public', prefix: '/', types: ['.css', '.png', '.svg'] },
  { dir: 'e2e/pages', prefix: '/e2e/pages/', types: ['.html', '.js', '.css'] },
  // The widget and the chunks a split build loads next to it (not its source maps).
  { dir: 'dist', prefix: '/', types: ['.js'], nested: true },
];

/**
 * The demo pages run under a strict policy on purpose: the widget must work without inline
 * scripts or inline styles, and these pages prove it.
 */
export const DEMO_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "img-src 'self' data: blob: http://127.0.0.1:*",
].join('; ');

/**
 * Pages named `trusted-types*.html` also require Trusted Types: script URLs only through a policy,
 * and only the widget's own (`parley`). Tests prove the widget needs nothing else.
 */
export const TRUSTED_TYPES_CSP = `${DEMO_CSP}; require-trusted-types-for 'script'; trusted-types parley`;

/** The placeholder demo pages use for the server's origin (no inline script can compute it). */
export const ORIGIN_PLACEHOLDER = '{{ORIGIN}}';

export interface StaticOptions {
  root: string;
  /** The origin written into `{{ORIGIN}}` for this request, e.g. `http://127.0.0.1:8080`. */
  origin: string;
}

/** Serve a file if the request names one; resolve false to let the caller answer 404. */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  options: StaticOptions,
): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    sendText(res, 400, 'Bad request: malformed %-escape in the path');
    return true;
  }
  if (pathname.includes('\0')) return false;
  if (pathname === '/') pathname = '/demo.html';

  const ext = extname(pathname).toLowerCase();
  for (const place of PLACES) {
    if (!place.types.includes(ext) || !pathname.startsWith(place.prefix)) continue;
    const rest = pathname.slice(place.prefix.length);
    if (!place.nested && rest.includes('/')) continue;
    const file = await findFile(join(options.root, place.dir), `/${rest}`);
    if (file) return send(req, res, file, options);
  }
  if (pathname === '/parley.js') {
    sendText(res, 404, 'dist/parley.js not found: run npm run build (or npm start, which builds it).');
    return true;
  }
  return false;
}

/** The real path of `pathname` under `base`, or undefined when it is missing or not allowed. */
async function findFile(base: string, pathname: string): Promise<string | undefined> {
  if (!(extname(pathname).toLowerCase() in CONTENT_TYPES)) return undefined;
  const baseDir = resolve(base);
  const candidate = resolve(baseDir, `.${pathname}`);
  if (!isInside(baseDir, candidate)) return undefined;
  const parts = relative(baseDir, candidate).split(sep);
  if (parts.some((part) => part.startsWith('.') || part === 'node_modules')) return undefined;
  try {
    if (!(await stat(candidate)).isFile()) return undefined;
    // A symlink could point anywhere: check the target too.
    const [realBase, realFile] = await Promise.all([realpath(baseDir), realpath(candidate)]);
    return isInside(realBase, realFile) ? realFile : undefined;
  } catch {
    return undefined;
  }
}

function isInside(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

async function send(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  options: StaticOptions,
): Promise<boolean> {
  const ext = extname(file).toLowerCase();
  let body = await readFile(file);
  const headers: Record<string, string | number> = {
    'Content-Type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
    // Demo and tests always want the latest build, never a cached one.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  if (ext === '.html') {
    body = Buffer.from(body.toString('utf8').replaceAll(ORIGIN_PLACEHOLDER, options.origin), 'utf8');
    headers['Content-Security-Policy'] = basename(file).startsWith('trusted-types')
      ? TRUSTED_TYPES_CSP
      : DEMO_CSP;
  }
  if (ext === '.js') headers['Access-Control-Allow-Origin'] = '*'; // the widget is embedded elsewhere
  headers['Content-Length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
