/**
 * Renders `core/richtext` tokens as Preact elements: a file of its own in the split build, loaded
 * with the first message that has markup or a link (ui/RichText.tsx draws plain text without it). Text always goes in as text nodes; links are
 * the only attribute-bearing output and their `href` was checked by `safeLinkUrl` in the parser.
 */
import { useMemo } from 'preact/hooks';
import { visibleBidi } from '../core/bidi';
import { parseRichText, type RichToken } from '../core/richtext';

function render(tokens: RichToken[]) {
  return tokens.map((tok, i) => {
    switch (tok.type) {
      case 'text':
        return tok.text;
      case 'break':
        return <br key={i} />;
      case 'code':
        return <code key={i}>{tok.text}</code>;
      case 'bold':
        return <strong key={i}>{render(tok.children)}</strong>;
      case 'italic':
        return <em key={i}>{render(tok.children)}</em>;
      case 'link':
        return (
          // A link's text says where it goes: no override may disguise it (core/bidi.ts).
          <a key={i} href={tok.href} target="_blank" rel="noopener noreferrer" dir="auto">
            {visibleBidi(tok.text)}
          </a>
        );
      default:
        return null;
    }
  });
}

export function FormattedText(props: { text: string }) {
  const tokens = useMemo(() => parseRichText(props.text), [props.text]);
  return <>{render(tokens)}</>;
}
