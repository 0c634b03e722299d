/**
 * Turns Rolldown's CommonJS chunks into classic scripts that a page can load with nothing but a
 * `<script>` tag, under a strict CSP, from any origin (no CORS, unlike module scripts):
 *
 * - the entry file (`parley.js`) holds the entry chunk, every chunk it imports statically, and a
 *   loader of about 600 bytes. Each chunk becomes a factory `function(require, exports)`;
 * - every other chunk becomes a script that only registers its factory:
 *   `(self.__parley ||= {})["parley-app-<hash>.js"] = function (require, exports) {…}`. Names carry
 *   a content hash, so two versions of Parley on one page never mix their files;
 * - the loader knows each lazy chunk's dependencies (written into it at build time), so one
 *   `import()` fetches a chunk and everything it needs in parallel. It inserts `<script async>`
 *   elements with the entry tag's nonce (and `crossorigin`) next to `parley.js`'s own URL, and
 *   rejects with the file's URL when one cannot be fetched or did not register. Under Trusted
 *   Types the URLs go through a policy named `parley` that passes only `parley-*.js` files.
 *
 * Rolldown renders `import('./x')` in CJS output as `Promise.resolve().then(() => require('./x'))`:
 * the loader's `require` returns the exports of a chunk it has, or a promise of them, which the
 * `then` chain unwraps. So the bundler's output is wrapped, not rewritten (but for the run of
 * export getters that ends a chunk, written shorter: see compactExports).
 *
 * `dist/chunks.json` records what each file is for (`npm run size` sums a visitor's files with it).
 *
 * Every factory runs once per widget script: two `<script>` tags of the same build each run their
 * own copy (several widgets on a page share no state), and the registered factories are shared.
 */

import { createHash } from 'node:crypto';
import type { OutputAsset, OutputChunk } from 'rolldown';
import { minify } from 'terser';
import type { Plugin } from 'vite';

/** The loader, written out as readable code; the build minifies it into the entry. */
function parleyLoader(
  factories: Record<string, Factory>,
  deps: Record<string, string[]>,
  packs: Record<string, string>,
  panel: string,
  english: string,
  entry: string,
) {
  const me =
    (document.currentScript as HTMLScriptElement | null) ??
    document.querySelector<HTMLScriptElement>('script[data-transport][src*="parley"]');
  type Policy = { createScriptURL(url: string): unknown };
  const global = self as unknown as {
    __parley?: Record<string, Factory>;
    __parleyPolicy?: Policy;
    trustedTypes?: { createPolicy(name: string, rules: { createScriptURL(url: string): string }): Policy };
  };
  const registered = global.__parley ?? {};
  global.__parley = registered;
  // A page that requires Trusted Types takes a script URL only from a policy (`trusted-types parley`
  // in its CSP): ours passes nothing but Parley's own files, and every widget on the page shares it.
  const scriptUrl = (url: string): unknown => {
    const tt = global.trustedTypes;
    if (!tt) return url;
    try {
      global.__parleyPolicy ??= tt.createPolicy('parley', {
        createScriptURL: (u) => {
          if (/\/parley-[\w-]+\.js$/.test(new URL(u).pathname)) return u;
          throw new TypeError(`parley: not one of its files: ${u}`);
        },
      });
    } catch {
      return url; // the page allows no policy of ours: the load fails, and says so
    }
    return global.__parleyPolicy.createScriptURL(url);
  };
  const modules: Record<string, { exports: object }> = {};
  const pending: Record<string, Promise<void>> = {};

  /** Inserts one script; resolves once it ran (whatever it registered), rejects with its URL. */
  const load = (url: string) =>
    new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      const done = (ok: boolean) => {
        script.remove();
        if (ok) resolve();
        else reject(new Error(`${url} could not be loaded`));
      };
      script.src = scriptUrl(url) as string;
      script.async = true;
      if (me?.nonce) script.nonce = me.nonce;
      if (me?.crossOrigin != null) script.crossOrigin = me.crossOrigin;
      script.onload = () => done(true);
      script.onerror = () => done(false);
      (document.head ?? document.documentElement).appendChild(script);
    });

  const files: Record<string, Promise<void>> = {};
  const fetchFile = (file: string) => {
    const url = new URL(file, me?.src ?? document.baseURI).href;
    files[file] ??= load(url).catch((err: unknown) => {
      delete files[file];
      throw err;
    });
    return files[file].then(() => url);
  };

  /**
   * Chunks asked for in one turn of the event loop (the panel, a transport and their shared files
   * come together) are fetched together: when a transport has a pack (one file holding it, the
   * panel and what both need: one download, and it compresses better than the parts), the pack
   * brings every asked chunk it holds; the rest come as files of their own. Each transport has two
   * packs: one with the English catalogue, taken when English is asked in the same turn, and one
   * without (a Chinese or Russian visitor gets their catalogue as a file of its own).
   */
  let wanted: Array<{ name: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  const flush = () => {
    const batch = wanted;
    wanted = [];
    const transport = batch.find((w) => packs[w.name])?.name;
    const withEnglish = batch.some((w) => w.name === english);
    // What the build put in the pack (see `packs` below): the panel, the transport, what they need.
    const members = transport
      ? [
          panel,
          transport,
          ...(deps[panel] ?? []),
          ...(deps[transport] ?? []),
          ...(withEnglish ? [english] : []),
        ]
      : [];
    for (const w of batch) {
      // `parley-pack-ws-chat-<hash>.js` -> `parley-pack-ws-chat-en-<hash>.js` (one hash names both).
      const pack = packs[transport as string] as string;
      const file =
        transport && members.includes(w.name)
          ? withEnglish
            ? `${pack.slice(0, -12)}-en${pack.slice(-12)}`
            : pack
          : w.name;
      fetchFile(file).then(
        (url) => {
          // A pack registers several chunks: take them all, the ones asked later are there then.
          for (const name of file === w.name ? [w.name] : members) {
            const factory = registered[name];
            if (factory) factories[name] ??= factory;
          }
          if (factories[w.name]) w.resolve();
          else {
            delete pending[w.name];
            w.reject(new Error(`${url} did not register`));
          }
        },
        (err: unknown) => {
          delete pending[w.name];
          w.reject(err);
        },
      );
    }
  };

  const fetchChunk = (name: string): Promise<void> | undefined => {
    if (factories[name]) return undefined;
    pending[name] ??= new Promise<void>((resolve, reject) => {
      if (!wanted.length) setTimeout(flush);
      wanted.push({ name, resolve, reject });
    });
    return pending[name];
  };

  const require: Require = (path) => {
    const name = path.replace('./', '');
    const known = modules[name];
    if (known) return known.exports;
    const factory = factories[name];
    if (factory && (deps[name] ?? []).every((d) => factories[d])) {
      const module = { exports: {} };
      modules[name] = module;
      factory(require, module.exports);
      return module.exports;
    }
    return Promise.all([name, ...(deps[name] ?? [])].map(fetchChunk)).then(() => require(name));
  };
  require.d = (exports, getters) => {
    for (const key in getters)
      Object.defineProperty(exports, key, { enumerable: true, get: getters[key] as () => unknown });
  };
  require(entry);
}

/** `require(path)`, and `require.d(exports, getters)` to define a chunk's exports (see compactExports). */
type Require = ((path: string) => object | Promise<object>) & {
  d?: (exports: object, getters: Record<string, () => unknown>) => void;
};
type Factory = (require: Require, exports: object) => void;

/**
 * Rolldown ends a CommonJS chunk with one `Object.defineProperty(exports,"a",{enumerable:!0,get:
 * function(){return b}})` per export (live bindings). The same getters, written as
 * `require.d(exports,{a:()=>b})` (the loader's helper: `require` is a name the chunk's own code
 * never declares), are a third of the bytes. Only the run that ends the chunk is rewritten, so no
 * mapped code after it moves.
 */
// The value is a local name, or a string constant terser inlined (`return"draft"`): one of those
// left in a run kept the whole run long (17 getters in the first script).
// Terser writes the getter `get:function(){…}`, or `get(){…}` when told the output is ES2015+ (ecma).
const EXPORT =
  /Object\.defineProperty\(exports,"([\w$]+)",\{enumerable:!0,get(?::function)?\(\)\{return(?: ([\w$]+)|("(?:[^"\\\n]|\\.)*"))\}\}\)/;
const EXPORT_RUN = new RegExp(`(?:${EXPORT.source},)*${EXPORT.source};?\\s*$`);
export function compactExports(code: string): string {
  return code.replace(EXPORT_RUN, (run) => {
    const getters = [...run.matchAll(new RegExp(EXPORT.source, 'g'))].map(([, name, local, text]) =>
      /^[A-Za-z_$][\w$]*$/.test(name as string)
        ? `${name}:()=>${local ?? text}`
        : `${JSON.stringify(name)}:()=>${local ?? text}`,
    );
    return `require.d(exports,{${getters.join(',')}});`;
  });
}

/** What a lazy file is for, from the module it was split at (see vite.config.ts). */
function roleOf(chunk: OutputChunk): string {
  const id = (chunk.facadeModuleId ?? '').replace(/\\/g, '/');
  const transport = id.match(/\/src\/embed\/transports\/([\w-]+)\.ts$/);
  if (transport) return `transport:${transport[1]}`;
  const lang = id.match(/\/src\/i18n\/([\w-]+)\.ts$/);
  if (lang) return `language:${lang[1]}`;
  // The panel's chunk is a group (build/panel-chunk.ts): app.tsx is one of its modules, not its facade.
  if (
    id.endsWith('/src/embed/app.tsx') ||
    chunk.moduleIds.some((m) => m.replace(/\\/g, '/').endsWith('/src/embed/app.tsx'))
  )
    return 'panel';
  return chunk.facadeModuleId ? `lazy:${chunk.name}` : 'shared';
}

function manifest(
  entry: string,
  chunks: OutputChunk[],
  inEntry: Set<string>,
  deps: Record<string, string[]>,
  packs: Record<string, string>,
) {
  const files: Record<string, { role: string; deps: string[] }> = {};
  for (const c of chunks) {
    if (!inEntry.has(c.fileName)) files[c.fileName] = { role: roleOf(c), deps: deps[c.fileName] ?? [] };
  }
  for (const [name, role] of Object.entries(packs)) files[name] = { role, deps: [] };
  return { entry, files };
}

const MAP_COMMENT = /\n?\/\/# sourceMappingURL=\S+\s*$/;

export function classicChunks(): Plugin {
  return {
    name: 'parley:classic-chunks',
    apply: 'build',
    enforce: 'post',
    async generateBundle(output, bundle) {
      if (output.format !== 'cjs') return;
      const chunks = Object.values(bundle).filter((f): f is OutputChunk => f.type === 'chunk');
      const entry = chunks.find((c) => c.isEntry);
      if (!entry) this.error('classic-chunks: no entry chunk');
      const byName = new Map(chunks.map((c) => [c.fileName, c]));
      const closure = (name: string, seen = new Set<string>()): Set<string> => {
        for (const dep of byName.get(name)?.imports ?? []) {
          if (!seen.has(dep)) {
            seen.add(dep);
            closure(dep, seen);
          }
        }
        return seen;
      };
      const initial = [...closure(entry.fileName)].reverse();
      const inEntry = new Set([...initial, entry.fileName]);
      const deps: Record<string, string[]> = {};
      for (const c of chunks) {
        if (inEntry.has(c.fileName)) continue;
        const lazy = [...closure(c.fileName)].filter((d) => !inEntry.has(d));
        if (lazy.length) deps[c.fileName] = lazy;
      }
      const panelChunk = chunks.find((c) => roleOf(c) === 'panel');
      // The whole English catalogue: an English visitor asks for it with the panel (a Chinese or
      // Russian one never: zh and ru are complete), so each transport has a pack with it too.
      const english = chunks.find((c) => roleOf(c) === 'language:en');

      const dynamicImports = chunks.reduce((n, c) => n + c.dynamicImports.length, 0);
      const rendered = chunks.reduce(
        (n, c) => n + (c.code.match(/Promise\.resolve\(\)\.then\(/g)?.length ?? 0),
        0,
      );
      if (rendered < dynamicImports)
        this.error(
          `classic-chunks: expected ${dynamicImports} dynamic imports rendered as require() promises`,
        );

      const mapOf = (c: OutputChunk) => {
        const asset = bundle[`${c.fileName}.map`] as OutputAsset | undefined;
        return asset ? { asset, map: JSON.parse(String(asset.source)) } : undefined;
      };
      const body = (c: OutputChunk) => compactExports(c.code.replace(MAP_COMMENT, '').trimEnd());
      const mapComment = (c: OutputChunk) =>
        bundle[`${c.fileName}.map`] ? `\n//# sourceMappingURL=${c.fileName}.map` : '';

      // Lazy chunks: one line of wrapper before the code, so their maps shift by one line.
      for (const c of chunks) {
        if (inEntry.has(c.fileName)) continue;
        c.code = `(self.__parley??={})[${JSON.stringify(c.fileName)}]=function(require,exports){"use strict";\n${body(c)}\n};${mapComment(c)}`;
        const m = mapOf(c);
        if (m) m.asset.source = JSON.stringify({ ...m.map, mappings: `;${m.map.mappings}` });
      }

      // Packs: per transport, one file registering the transport, the panel and the shared chunks
      // both need. Every visitor needs the panel and one transport at the same moment, and one file
      // compresses better than six (gzip shares nothing across files). The parts stay as files too
      // (a later chunk such as `upload` needs them; the loader falls back to them). Two per transport:
      // without the English catalogue (`parley-pack-<transport>-…`, for zh and ru visitors, who fetch
      // their catalogue beside it) and with it (`parley-pack-<transport>-en-…`).
      const packs: Record<string, string> = {};
      const packRoles: Record<string, string> = {};
      const panel = panelChunk;
      for (const t of chunks) {
        const role = roleOf(t);
        if (!panel || inEntry.has(t.fileName) || !role.startsWith('transport:')) continue;
        const kind = role.slice('transport:'.length);
        const texts = [false, true].map((withEnglish) => {
          // The order is gzip's: the catalogue, the transport, then the panel measured 150-300 B
          // smaller per pack than the panel first (the loader registers them all before any runs).
          const panelPart = [...(deps[panel.fileName] ?? []), panel.fileName];
          const members = [
            ...new Set([
              ...(withEnglish && english ? [english.fileName] : []),
              ...(deps[t.fileName] ?? []).filter((d) => !panelPart.includes(d)),
              t.fileName,
              ...panelPart,
            ]),
          ];
          let text = '';
          let line = 0;
          const sections: Array<{ offset: { line: number; column: number }; map: unknown }> = [];
          for (const name of members) {
            const c = byName.get(name) as OutputChunk;
            const m = mapOf(c);
            if (m) sections.push({ offset: { line, column: 0 }, map: JSON.parse(String(m.asset.source)) });
            const part = c.code.replace(MAP_COMMENT, '');
            text += `${part}\n`;
            line += part.split('\n').length;
          }
          return { text, sections };
        });
        // One hash over both, so the loader derives the English pack's name from the other's.
        const hash = createHash('sha256')
          .update(texts.map((p) => p.text).join('\0'))
          .digest('base64url')
          .slice(0, 8);
        texts.forEach(({ text, sections }, withEnglish) => {
          const fileName = `parley-pack-${kind}${withEnglish ? '-en' : ''}-${hash}.js`;
          this.emitFile({ type: 'asset', fileName, source: `${text}//# sourceMappingURL=${fileName}.map\n` });
          this.emitFile({
            type: 'asset',
            fileName: `${fileName}.map`,
            source: JSON.stringify({ version: 3, file: fileName, sections }),
          });
          packRoles[fileName] = withEnglish ? `pack+en:${kind}` : `pack:${kind}`;
          if (!withEnglish) packs[t.fileName] = fileName;
        });
      }

      // The entry: the loader, then each factory on lines of its own; an index map with one section each.
      // `F`, `D` and `P` are the factories, dependencies and packs written below: free names, so never mangled.
      const loader = await minify(
        `(${parleyLoader.toString()})(F,D,P,${JSON.stringify(panel?.fileName ?? '')},${JSON.stringify(english?.fileName ?? '')},${JSON.stringify(entry.fileName)})`,
        {
          ecma: 2020,
          compress: { passes: 2 },
        },
      );
      let code = `(()=>{"use strict";const F={`;
      let line = 0;
      const sections: Array<{ offset: { line: number; column: number }; map: unknown }> = [];
      for (const name of [...initial, entry.fileName]) {
        const c = byName.get(name) as OutputChunk;
        code += `${JSON.stringify(name)}:function(require,exports){\n`;
        line += 1;
        const m = mapOf(c);
        if (m) sections.push({ offset: { line, column: 0 }, map: m.map });
        const text = body(c);
        code += `${text}\n},`;
        line += text.split('\n').length;
        if (name !== entry.fileName) {
          delete bundle[name];
          delete bundle[`${name}.map`];
        }
      }
      if (!/\(F,D,P(,"[^"]*")*\);?$/.test(loader.code ?? ''))
        this.error(`classic-chunks: the minified loader lost its call: ${loader.code?.slice(-200)}`);
      code += `},D=${JSON.stringify(deps)},P=${JSON.stringify(packs)};${loader.code}})();${mapComment(entry)}`;
      entry.code = code;
      this.emitFile({
        type: 'asset',
        fileName: 'chunks.json',
        source: `${JSON.stringify(manifest(entry.fileName, chunks, inEntry, deps, packRoles), null, 2)}\n`,
      });
      const entryMap = mapOf(entry);
      if (entryMap) entryMap.asset.source = JSON.stringify({ version: 3, file: entry.fileName, sections });
    },
  };
}
