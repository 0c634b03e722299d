/**
 * ui/RichText.tsx: plain text is drawn without the formatter's file, exactly as the formatter
 * would draw it; a text that may hold markup shows as plain lines until the formatter is there,
 * then formatted.
 */
import { cleanup, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { FormattedText } from './FormattedText';
import { RichText } from './RichText';

afterEach(cleanup);

const html = (node: preact.JSX.Element) => render(node).container.innerHTML;

describe('RichText', () => {
  it('draws plain text as the formatter would: lines, breaks, spaces and odd characters kept', () => {
    for (const text of [
      'hello',
      '  two  spaces  ',
      'one\ntwo',
      'a\r\nb\rc\n\nd',
      '\nleading and trailing\n',
      '<b>not markup</b> &amp; [x](y) #h ~s~ 1+1=2',
      'נשלח 📎 ok',
    ]) {
      expect(html(<RichText text={text} />), text).toBe(html(<FormattedText text={text} />));
      cleanup();
    }
  });

  it('shows a text with markup plainly until the formatter is there, then formatted', async () => {
    const { container, findByRole } = render(<RichText text={'**bold** and https://example.com/x'} />);
    expect(container.textContent).toBe('**bold** and https://example.com/x');
    const link = await findByRole('link');
    expect(link.getAttribute('href')).toBe('https://example.com/x');
    expect(container.querySelector('strong')?.textContent).toBe('bold');
  });
});
