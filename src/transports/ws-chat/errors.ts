/** The errors this adapter reports, built in one place (codes: core/errors.ts). */
import { TransportError, type TransportErrorCode } from '../../core/errors';

export function wsError(code: TransportErrorCode, message: string, fatal = false): TransportError {
  return new TransportError(code, message, fatal ? { retryable: false } : {});
}

export const linkLost = () => wsError('disconnected', 'Connection lost');
