import { describe, expect, it } from 'vitest';
import { notConnected, TransportError, toTransportError } from './errors';

describe('TransportError', () => {
  it('is an Error with a code, a retryable flag and a stack', () => {
    const e = new TransportError('auth', 'token refused', { status: 401 });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('TransportError');
    expect(e.code).toBe('auth');
    expect(e.retryable).toBe(false);
    expect(e.fatal).toBe(true);
    expect(e.status).toBe(401);
    expect(e.stack).toContain('token refused');
  });

  it('counts link failures as retryable unless told otherwise', () => {
    expect(new TransportError('network', 'down').retryable).toBe(true);
    expect(new TransportError('disconnected', 'gone').retryable).toBe(true);
    expect(new TransportError('timeout', 'slow').retryable).toBe(true);
    expect(new TransportError('timeout', 'no confirmation', { retryable: false }).retryable).toBe(false);
    expect(new TransportError('refused', 'no').retryable).toBe(false);
    expect(notConnected().code).toBe('disconnected');
  });

  it('turns anything thrown into a TransportError without losing the cause', () => {
    const same = new TransportError('network', 'x');
    expect(toTransportError(same)).toBe(same);
    const plain = toTransportError(new TypeError('boom'));
    expect(plain).toMatchObject({ code: 'unknown', message: 'boom', retryable: false });
    expect(plain.cause).toBeInstanceOf(TypeError);
    expect(toTransportError({ code: 'network' }).code).toBe('unknown');
    expect(toTransportError(new DOMException('stop', 'AbortError')).code).toBe('aborted');
  });
});
