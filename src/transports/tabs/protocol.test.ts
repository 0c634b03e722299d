import { describe, expect, it } from 'vitest';
import { decodeIncoming, decodeStatus } from './protocol';

describe('tab bus: what a streaming backend adds crosses tabs', () => {
  const base = { id: 's:1', text: 'Once', at: 1, author: { kind: 'bot' } };

  it("keeps a snapshot's partial flag and a request for files", () => {
    expect(
      decodeIncoming({ ...base, partial: true, uploadRequest: { accept: ['.pdf'], maxBytes: 9 } }),
    ).toEqual({
      ...base,
      partial: true,
      uploadRequest: { accept: ['.pdf'], maxBytes: 9 },
    });
  });

  it('drops malformed ones and keeps the message', () => {
    expect(decodeIncoming({ ...base, partial: 'yes', uploadRequest: { accept: [1] } })).toEqual(base);
  });

  it("keeps a failure's detail", () => {
    expect(decodeStatus({ status: 'failed', reason: 'auth', detail: 'Authentication failed' })).toEqual({
      status: 'failed',
      reason: 'auth',
      detail: 'Authentication failed',
    });
  });
});
