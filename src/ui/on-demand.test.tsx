/**
 * ui/on-demand.ts: a part of the panel whose code loads the first time it is drawn. The component
 * draws nothing (here: a placeholder) until the code is there and re-renders by itself then; a
 * file that cannot be fetched prints one `[parley]` error and is tried again at the next draw.
 */
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { onDemand } from './on-demand';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

type Part = { Part: () => preact.JSX.Element };

describe('a part loaded on demand', () => {
  it('is asked for at its first draw only, and the component re-renders once it is there', async () => {
    let arrive: (m: Part) => void = () => {};
    const load = vi.fn(() => new Promise<Part>((resolve) => (arrive = resolve)));
    const part = onDemand('the part', load);
    expect(load).not.toHaveBeenCalled();
    function Host() {
      const m = part();
      return m ? <m.Part /> : <p>not yet</p>;
    }
    const { rerender } = render(<Host />);
    expect(screen.getByText('not yet')).toBeTruthy();
    rerender(<Host />);
    expect(load).toHaveBeenCalledTimes(1);
    arrive({ Part: () => <p>here</p> });
    expect(await screen.findByText('here')).toBeTruthy();
  });

  it('says once that it could not be fetched, and tries again at the next draw', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const load = vi
      .fn<() => Promise<Part>>()
      .mockRejectedValueOnce(new Error('parley-Part-x.js could not be loaded'))
      .mockRejectedValueOnce(new Error('parley-Part-x.js could not be loaded'))
      .mockResolvedValue({ Part: () => <p>at last</p> });
    const part = onDemand('the part', load);
    let draw = 0;
    function Host(props: { n: number }) {
      const m = part();
      return m ? <m.Part /> : <p>draw {props.n}</p>;
    }
    const { rerender } = render(<Host n={++draw} />);
    await vi.waitFor(() => expect(errors).toHaveBeenCalledTimes(1));
    expect(String(errors.mock.calls[0]?.join(' '))).toMatch(
      /\[parley\].*could not load the part \(parley-Part-x\.js could not be loaded\)/,
    );
    rerender(<Host n={++draw} />);
    await vi.waitFor(() => expect(load).toHaveBeenCalledTimes(2));
    rerender(<Host n={++draw} />);
    expect(await screen.findByText('at last')).toBeTruthy();
    expect(errors).toHaveBeenCalledTimes(1);
  });
});
