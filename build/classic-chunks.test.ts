import { describe, expect, it } from 'vitest';
import { compactExports } from './classic-chunks';

/** Runs a chunk body the way the loader does, with `require.d` defining getters. */
function run(body: string): Record<string, unknown> {
  const require = Object.assign(() => ({}), {
    d: (exports: object, getters: Record<string, () => unknown>) => {
      for (const key in getters)
        Object.defineProperty(exports, key, { enumerable: true, get: getters[key] as () => unknown });
    },
  });
  const exports: Record<string, unknown> = {};
  new Function('require', 'exports', `"use strict";${body}`)(require, exports);
  return exports;
}

describe('compactExports', () => {
  const rolldown =
    'let t=1;function o(){t++}' +
    'Object.defineProperty(exports,"a",{enumerable:!0,get:function(){return t}}),' +
    'Object.defineProperty(exports,"bump",{enumerable:!0,get:function(){return o}});\n';

  it('rewrites the run of export getters that ends a chunk as one require.d call', () => {
    const out = compactExports(rolldown);
    expect(out).toBe('let t=1;function o(){t++}require.d(exports,{a:()=>t,bump:()=>o});');
    expect(out).not.toContain('defineProperty');
  });

  it('keeps the exports live bindings, enumerable, as Rolldown wrote them', () => {
    const before = run(rolldown);
    const after = run(compactExports(rolldown));
    expect(Object.keys(after)).toEqual(Object.keys(before));
    (after.bump as () => void)();
    expect(after.a).toBe(2);
  });

  it('takes a getter of a string constant terser inlined in the run too', () => {
    const body =
      'let t=1;Object.defineProperty(exports,"a",{enumerable:!0,get:function(){return t}}),' +
      'Object.defineProperty(exports,"k",{enumerable:!0,get:function(){return"dr\\"aft"}});';
    const out = compactExports(body);
    expect(out).toBe('let t=1;require.d(exports,{a:()=>t,k:()=>"dr\\"aft"});');
    expect(run(out)).toEqual(run(body));
    expect(run(out).k).toBe('dr"aft');
  });

  it('takes the getters terser writes as methods for ES2015+ output', () => {
    const body =
      'let t=1;Object.defineProperty(exports,"a",{enumerable:!0,get(){return t}}),' +
      'Object.defineProperty(exports,"k",{enumerable:!0,get(){return"x"}});';
    const out = compactExports(body);
    expect(out).toBe('let t=1;require.d(exports,{a:()=>t,k:()=>"x"});');
    expect(run(out)).toEqual(run(body));
  });

  it('leaves a getter that is not at the end of the chunk alone (mapped code after it would move)', () => {
    const middle = 'Object.defineProperty(exports,"a",{enumerable:!0,get:function(){return t}});let t=1;t++;';
    expect(compactExports(middle)).toBe(middle);
  });
});
