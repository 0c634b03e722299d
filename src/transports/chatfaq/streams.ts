/**
 * Turns streamed `message_chunk` frames into "show" / "replace" steps for one growing bubble.
 * Each chunk carries the text so far, so a step always REPLACES the text: a repeated frame cannot
 * double it. Frames may also come late or twice (a proxy, a retry upstream), hence:
 * - a repeat of what is shown is ignored;
 * - a chunk that is a shorter prefix of what is shown is stale (arrived out of order): ignored;
 * - the `last_chunk` frame is authoritative, and once it came, later chunks of that stack are ignored.
 */

export type StreamStep =
  /** The first frame of a stack: show a new bubble (`final` when the stream had one frame only). */
  | { kind: 'start'; text: string; final: boolean }
  /** A later frame: replace the bubble's text (`final` for the `last_chunk` frame). */
  | { kind: 'replace'; text: string; final: boolean };

/** Finished stack ids remembered to ignore late chunks; a stream older than this is history. */
const FINISHED_MAX = 200;

export class ChunkAssembler {
  private readonly open = new Map<string, string>();
  private readonly finished = new Set<string>();

  /** What to do with a chunk of `stackId`, or null when it changes nothing. */
  accept(stackId: string, text: string, lastChunk: boolean): StreamStep | null {
    if (this.finished.has(stackId)) return null;
    const shown = this.open.get(stackId);
    if (lastChunk) this.finish(stackId);
    else this.open.set(stackId, shown !== undefined && isStale(text, shown) ? shown : text);
    if (shown === undefined) return { kind: 'start', text, final: lastChunk };
    if (!lastChunk && (text === shown || isStale(text, shown))) return null;
    return { kind: 'replace', text, final: lastChunk };
  }

  /**
   * Ends every stream still open (the socket dropped mid-answer: upstream replays nothing) and
   * returns each one's last text, so its bubble can be settled as it stands.
   */
  cut(): Array<[stackId: string, text: string]> {
    const open = [...this.open];
    for (const [stackId] of open) this.finish(stackId);
    return open;
  }

  private finish(stackId: string): void {
    this.open.delete(stackId);
    this.finished.add(stackId);
    if (this.finished.size > FINISHED_MAX) {
      const oldest = this.finished.values().next().value;
      if (oldest !== undefined) this.finished.delete(oldest);
    }
  }
}

/** An earlier snapshot of what is shown: strictly shorter, and what is shown starts with it. */
const isStale = (text: string, shown: string) => text.length < shown.length && shown.startsWith(text);
