/** The errors this adapter reports, built in one place. */
import type { TransportError } from '../../core/types';

export function wsError(code: string, message: string, fatal = false): TransportError {
  return fatal ? { code, message, fatal } : { code, message };
}

export const notConnected = () => wsError('disconnected', 'Not connected');
export const linkLost = () => wsError('disconnected', 'Connection lost');
