/**
 * A message's text. Most messages are plain: their lines are drawn here, as text nodes and line
 * breaks, exactly as the rich-text parser would give them. A text that may hold markup or a link
 * (`*`, `_`, a backtick, a link scheme) is drawn by ui/FormattedText.tsx, a file of its own in the
 * split build loaded the first time such a text is shown (issue 9: ~900 B gzip a visitor without
 * one never downloads); meanwhile, and if it cannot be fetched, the text shows as plain lines.
 */
import { onDemand } from './on-demand';

/** What the parser could turn into something other than text (core/richtext.ts; its HOLE too). */
const MAY_FORMAT = /[*_`\uE000]|https?:\/\/|mailto:|tel:/i;

const formatted = onDemand('the rich-text formatter', () => import('./FormattedText'));

/** The text's lines with a line break between each (`\r\n` and `\r` end a line too, as in the parser). */
function lines(text: string) {
  return text.split(/\r\n?|\n/).flatMap((line, i) => (i ? [<br key={i} />, line] : [line]));
}

export function RichText({ text }: { text: string }) {
  const loaded = MAY_FORMAT.test(text) ? formatted() : undefined;
  return loaded ? <loaded.FormattedText text={text} /> : lines(text);
}
