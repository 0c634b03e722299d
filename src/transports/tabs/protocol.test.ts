import { describe, expect, it } from 'vitest';
import type { IncomingMessage, OutgoingMessage, StatusChange } from '../../core/types';
import { decodeIncoming, decodeStatus, decodeTabMessage } from './protocol';

/*
 * Every field of the domain types, set. `Required<…>` makes a field added to core/types.ts fail
 * here until the sample has it, and the round trip then fails until the tab protocol relays it:
 * a follower tab must see what the leader's adapter saw.
 */
const fullMessage: Required<IncomingMessage> = {
  id: 'm1',
  text: 'hello',
  at: 1_700_000_000_000,
  author: { kind: 'operator', id: 'op1', name: 'Anna', avatarUrl: 'https://example.com/a.png' },
  kind: 'help',
  answers: [{ text: 'Yes', id: 'y' }],
  attachments: [
    {
      id: 'f1',
      name: 'a.png',
      url: 'https://example.com/a.png',
      contentType: 'image/png',
      size: 10,
      width: 2,
      height: 3,
    },
  ],
  clientId: 'c1',
  uploadRequest: { accept: ['.pdf'], maxBytes: 1000 },
  partial: true,
  backfill: true,
};
const fullOutgoing: Required<OutgoingMessage> = {
  clientId: 'c1',
  text: 'hi',
  replyToId: 'm1',
  answerId: 'y',
  attachmentIds: ['f1'],
  retries: 2,
};
const fullStatus: Required<StatusChange> = { status: 'failed', reason: 'auth', retryInMs: 5, detail: 'bye' };

describe('tab protocol', () => {
  it('relays every field of a message, a status and an outgoing message', () => {
    expect(decodeIncoming(structuredClone(fullMessage))).toEqual(fullMessage);
    expect(decodeStatus(structuredClone(fullStatus))).toEqual(fullStatus);
    const call = { t: 'tx:call', from: 'a', to: 'b', id: 'x', call: { op: 'send', message: fullOutgoing } };
    expect(decodeTabMessage(structuredClone(call))).toEqual(call);
  });

  it('drops what does not decode and never throws', () => {
    const unsafe = { ...fullMessage, attachments: [{ name: 'x', url: 'javascript:alert(1)' }] };
    expect(decodeIncoming(unsafe)?.attachments).toEqual([]);
    for (const junk of [null, 1, 'x', [], { t: 'tx:event' }, { t: 'tx:call', from: 1 }, { t: 'st:items' }]) {
      expect(decodeTabMessage(junk)).toBeNull();
    }
    expect(decodeIncoming({ ...fullMessage, at: 'soon' })).toBeNull();
    expect(decodeIncoming({ ...fullMessage, at: 1e17 })).toBeNull(); // a Date cannot hold it
    expect(decodeIncoming({ ...fullMessage, author: { kind: 'admin' } })).toBeNull();
  });
});

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
