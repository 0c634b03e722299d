/**
 * One chunk for the panel (issue 9): every module the panel needs, and every module that all the
 * transports need, that the first script does not already hold. Left to itself Rolldown gives each
 * set of modules shared by a different set of importers a chunk of its own (errors, url, bidi,
 * reconnector, base, the Rolldown runtime…): each one a factory, its exports and the `require`s
 * of the others, and its bindings reached as properties across chunks instead of local names.
 * Every visitor downloads the panel and one transport together, so what every transport shares
 * costs no visitor anything in the panel's chunk; what only some transports share (liveness) stays
 * a chunk of its own, so no visitor downloads another transport's code.
 *
 * The sets are computed from the module graph once it is built (`buildEnd`); Rolldown asks the
 * group's `test` afterwards, when it splits the chunks.
 */
import type { CodeSplittingGroup } from 'rolldown';
import type { Plugin } from 'vite';

interface Graph {
  getModuleIds(): IterableIterator<string>;
  getModuleInfo(id: string): { importedIds: readonly string[] } | null;
}

/** The modules `from` reaches through static imports. */
function staticClosure(graph: Graph, from: string): Set<string> {
  const seen = new Set<string>([from]);
  const queue = [from];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const next of graph.getModuleInfo(id)?.importedIds ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

const posix = (id: string) => id.replace(/\\/g, '/');

export function panelChunk(): { plugin: Plugin; group: CodeSplittingGroup } {
  let members = new Set<string>();
  const plugin: Plugin = {
    name: 'parley:panel-chunk',
    apply: 'build',
    buildEnd() {
      const ids = [...this.getModuleIds()];
      const find = (pattern: RegExp) => ids.filter((id) => pattern.test(posix(id)));
      const [entry] = find(/\/src\/embed\/index\.ts$/);
      const [app] = find(/\/src\/embed\/app\.tsx$/);
      const transports = find(/\/src\/embed\/transports\/[\w-]+\.ts$/);
      if (!entry || !app || !transports.length) this.error('panel-chunk: entry, app or transports not found');
      const first = staticClosure(this, entry as string);
      const closures = transports.map((t) => staticClosure(this, t));
      const everyTransport = [...(closures[0] ?? [])].filter((id) => closures.every((c) => c.has(id)));
      members = new Set(
        [...staticClosure(this, app as string), ...everyTransport].filter((id) => !first.has(id)),
      );
    },
  };
  // Rolldown's runtime helpers (`__exportAll`…) are a virtual module: the panel and the transports use them.
  const test = (id: string) => members.has(id) || /^\0?rolldown\/runtime/.test(id);
  return { plugin, group: { name: 'app', test } };
}
