import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTranslator } from '../i18n';
import { ru } from '../i18n/ru';
import { SendState } from './SendState';

afterEach(cleanup);

describe('a failed message', () => {
  it('that may have arrived says "Not confirmed" and why, in the visitor\'s language, with a retry', () => {
    const onRetry = vi.fn();
    render(<SendState state="failed" unconfirmed t={createTranslator('en')} onRetry={onRetry} />);
    expect(screen.getByText('Not confirmed')).toBeTruthy();
    expect(screen.queryByText('Not sent')).toBeNull();
    expect(screen.getByText(/It may have arrived/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
    cleanup();
    render(<SendState state="failed" unconfirmed t={createTranslator('ru', ru)} onRetry={onRetry} />);
    expect(screen.getByText('Не подтверждено')).toBeTruthy();
  });

  it('that the backend refused says "Not sent" with its reason', () => {
    render(<SendState state="failed" reason="too long" t={createTranslator('en')} onRetry={() => {}} />);
    expect(screen.getByText('Not sent')).toBeTruthy();
    expect(screen.getByText('too long')).toBeTruthy();
  });
});
