/**
 * Safe rich text for messages, as tokens (never HTML): the UI renders tokens as elements and text
 * nodes, so nothing a server sends can become markup. Supported: autolinks (http, https, mailto,
 * tel; checked again by `safeLinkUrl`), line breaks, `**bold**`, `_italic_` and `` `code` ``.
 * Everything else, including markdown links `[x](y)` and HTML, stays literal text.
 */
import { safeLinkUrl } from './url';

export type RichToken =
  | { type: 'text'; text: string }
  | { type: 'link'; text: string; href: string }
  | { type: 'code'; text: string }
  | { type: 'break' }
  | { type: 'bold'; children: RichToken[] }
  | { type: 'italic'; children: RichToken[] };

/** Lines longer than this get links and code but no emphasis, which keeps parsing linear. */
const MAX_EMPHASIS_LINE = 4000;

// Only these schemes start a link; "javascript:" or "java\tscript:" never match, so they stay text.
const URL_RE = /(?:https?:\/\/|mailto:|tel:)[^\s<>"'`]+/giu;
const CODE_RE = /`([^`]+)`/g;
/** Stands for an atom (link, code) while emphasis is parsed, so `_` inside a URL is never a marker. */
const HOLE = '\uE000';
const TRAILING = /[.,;:!?'"*_~\]}>]/;

/** Drops trailing punctuation that belongs to the sentence; keeps a ")" that closes a "(" in the URL. */
function trimUrl(raw: string): string {
  let url = raw;
  for (;;) {
    const last = url.at(-1);
    if (last && TRAILING.test(last)) url = url.slice(0, -1);
    else if (last === ')' && count(url, '(') < count(url, ')')) url = url.slice(0, -1);
    else return url;
  }
}

const count = (s: string, ch: string) => s.split(ch).length - 1;

/** Splits plain text into text and link atoms. */
function linkify(text: string, atoms: RichToken[]): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const url = trimUrl(m[0]);
    const href = url.length > url.indexOf(':') + 1 ? safeLinkUrl(url) : null;
    if (!href) continue;
    out += hole(text.slice(last, m.index), atoms);
    atoms.push({ type: 'link', text: url, href });
    out += HOLE;
    last = m.index + url.length;
  }
  return out + hole(text.slice(last), atoms);
}

/** A HOLE character typed by the sender must not be mistaken for ours: it becomes a text atom. */
function hole(text: string, atoms: RichToken[]): string {
  if (!text.includes(HOLE)) return text;
  return text.replaceAll(HOLE, () => {
    atoms.push({ type: 'text', text: HOLE });
    return HOLE;
  });
}

const isWord = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);
const isSpace = (ch: string | undefined) => ch === undefined || /\s/u.test(ch);

/** Finds the next emphasis: `**x**` or `_x_` (underscores only at word edges, so snake_case stays). */
function nextEmphasis(s: string, from: number): { start: number; end: number; bold: boolean } | null {
  for (let i = from; i < s.length; i++) {
    const ch = s[i];
    if (ch === '*' && s[i + 1] === '*' && !isSpace(s[i + 2])) {
      const close = s.indexOf('**', i + 2);
      if (close > i + 2 && !isSpace(s[close - 1])) return { start: i, end: close + 2, bold: true };
      i += 1;
    } else if (ch === '_' && !isWord(s[i - 1]) && !isSpace(s[i + 1])) {
      for (let j = s.indexOf('_', i + 1); j !== -1; j = s.indexOf('_', j + 1)) {
        if (j > i + 1 && !isSpace(s[j - 1]) && !isWord(s[j + 1]))
          return { start: i, end: j + 1, bold: false };
      }
    }
  }
  return null;
}

/** Turns a line with HOLEs into tokens; `cursor` walks `atoms` left to right. */
function inline(s: string, atoms: RichToken[], cursor: { i: number }, emphasis: boolean): RichToken[] {
  const out: RichToken[] = [];
  const text = (chunk: string) => {
    const parts = chunk.split(HOLE);
    parts.forEach((part, k) => {
      if (part) out.push({ type: 'text', text: part });
      const atom = k < parts.length - 1 ? atoms[cursor.i++] : undefined;
      if (atom) out.push(atom);
    });
  };
  let pos = 0;
  while (emphasis) {
    const m = nextEmphasis(s, pos);
    if (!m) break;
    text(s.slice(pos, m.start));
    const mark = m.bold ? 2 : 1;
    const children = inline(s.slice(m.start + mark, m.end - mark), atoms, cursor, true);
    out.push(m.bold ? { type: 'bold', children } : { type: 'italic', children });
    pos = m.end;
  }
  text(s.slice(pos));
  return mergeText(out);
}

function mergeText(tokens: RichToken[]): RichToken[] {
  const out: RichToken[] = [];
  for (const tok of tokens) {
    const prev = out[out.length - 1];
    if (tok.type === 'text' && prev?.type === 'text')
      out[out.length - 1] = { type: 'text', text: prev.text + tok.text };
    else out.push(tok);
  }
  return out;
}

function parseLine(line: string): RichToken[] {
  const atoms: RichToken[] = [];
  let s = '';
  let last = 0;
  for (const m of line.matchAll(CODE_RE)) {
    s += linkify(line.slice(last, m.index), atoms);
    atoms.push({ type: 'code', text: m[1] ?? '' });
    s += HOLE;
    last = m.index + m[0].length;
  }
  s += linkify(line.slice(last), atoms);
  return inline(s, atoms, { i: 0 }, line.length <= MAX_EMPHASIS_LINE);
}

/** Parses message text into tokens. Pure and framework-free; safe for any input. */
export function parseRichText(input: string): RichToken[] {
  const out: RichToken[] = [];
  input
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .forEach((line, i) => {
      if (i > 0) out.push({ type: 'break' });
      out.push(...parseLine(line));
    });
  return out;
}
