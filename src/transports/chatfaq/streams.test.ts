// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ChunkAssembler } from './streams';

describe('ChunkAssembler', () => {
  it('starts a bubble on the first chunk, then replaces its text with each snapshot', () => {
    const a = new ChunkAssembler();
    expect(a.accept('s', 'Hel', false)).toEqual({ kind: 'start', text: 'Hel', final: false });
    expect(a.accept('s', 'Hello wo', false)).toEqual({ kind: 'replace', text: 'Hello wo', final: false });
    expect(a.accept('s', 'Hello world', true)).toEqual({ kind: 'replace', text: 'Hello world', final: true });
  });

  it('ignores a repeated chunk', () => {
    const a = new ChunkAssembler();
    a.accept('s', 'Hello', false);
    expect(a.accept('s', 'Hello', false)).toBeNull();
  });

  it('ignores a stale chunk that arrives after a longer one', () => {
    const a = new ChunkAssembler();
    a.accept('s', 'Hello', false);
    a.accept('s', 'Hello world', false);
    expect(a.accept('s', 'Hello', false)).toBeNull();
    // ...and still takes the next real snapshot
    expect(a.accept('s', 'Hello world!', false)).toEqual({
      kind: 'replace',
      text: 'Hello world!',
      final: false,
    });
  });

  it('takes a correction that is not a prefix (the model rewrote its text)', () => {
    const a = new ChunkAssembler();
    a.accept('s', 'Hello wrld', false);
    expect(a.accept('s', 'Hello world', false)?.text).toBe('Hello world');
  });

  it('treats the last chunk as final even when it is shorter, and ignores anything after it', () => {
    const a = new ChunkAssembler();
    a.accept('s', 'Draft that is long', false);
    expect(a.accept('s', 'Short', true)).toEqual({ kind: 'replace', text: 'Short', final: true });
    expect(a.accept('s', 'Draft that is longer still', false)).toBeNull();
    expect(a.accept('s', 'Short', true)).toBeNull();
  });

  it('starts a final bubble when the last chunk is the first to arrive', () => {
    const a = new ChunkAssembler();
    expect(a.accept('s', 'All of it', true)).toEqual({ kind: 'start', text: 'All of it', final: true });
    expect(a.accept('s', 'All', false)).toBeNull();
  });

  it('keeps streams of different stacks apart', () => {
    const a = new ChunkAssembler();
    a.accept('one', 'A', false);
    expect(a.accept('two', 'B', false)?.kind).toBe('start');
    expect(a.accept('one', 'AA', false)?.text).toBe('AA');
  });

  it('cuts open streams with their last text, and ignores their late chunks afterwards', () => {
    const a = new ChunkAssembler();
    a.accept('one', 'A', false);
    a.accept('two', 'B', true);
    expect(a.cut()).toEqual([['one', 'A']]);
    expect(a.cut()).toEqual([]);
    expect(a.accept('one', 'AB', false)).toBeNull();
  });
});
