// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { decodeHandshake, engineUrl } from './engine';
import { ACK, CONNECT, CONNECT_ERROR, DISCONNECT, decodePacket, EVENT, encodePacket } from './parser';

describe('Engine.IO URL', () => {
  it('puts path, EIO, transport and the query on a ws(s) URL', () => {
    expect(engineUrl('https://tcl.twin24.ai', '/operator/socket.io/', 3, { key: 'abc' })).toBe(
      'wss://tcl.twin24.ai/operator/socket.io/?key=abc&EIO=3&transport=websocket',
    );
    expect(engineUrl('http://127.0.0.1:8080/ignored', '/socket.io/', 4)).toBe(
      'ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket',
    );
  });

  it('does not let the query override EIO or transport', () => {
    const url = new URL(engineUrl('http://h', '/socket.io/', 3, { EIO: '4', transport: 'polling' }));
    expect(url.searchParams.getAll('EIO')).toEqual(['3']);
    expect(url.searchParams.getAll('transport')).toEqual(['websocket']);
  });
});

describe('Engine.IO open packet', () => {
  it('reads both generations, maxPayload only when present', () => {
    expect(decodeHandshake('{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":5000}')).toEqual({
      sid: 's1',
      pingInterval: 25000,
      pingTimeout: 5000,
    });
    expect(
      decodeHandshake(
        '{"sid":"s2","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}',
      ),
    ).toEqual({ sid: 's2', pingInterval: 25000, pingTimeout: 20000, maxPayload: 1000000 });
  });

  it('rejects what is not a usable handshake', () => {
    for (const body of [
      '',
      'nope',
      '[]',
      '{"sid":1,"pingInterval":1,"pingTimeout":1}',
      '{"sid":"s","pingInterval":"1"}',
    ]) {
      expect(decodeHandshake(body)).toBeNull();
    }
  });
});

describe('Socket.IO packets', () => {
  it('encodes events, acks, connect and disconnect of the default namespace', () => {
    expect(encodePacket(EVENT, ['chat', { a: 1 }])).toBe('2["chat",{"a":1}]');
    expect(encodePacket(EVENT, ['sum', 1, 2], 12)).toBe('212["sum",1,2]');
    expect(encodePacket(ACK, [3], 12)).toBe('312[3]');
    expect(encodePacket(CONNECT)).toBe('0');
    expect(encodePacket(CONNECT, { token: 't' })).toBe('0{"token":"t"}');
    expect(encodePacket(DISCONNECT)).toBe('1');
  });

  it('decodes every part, namespace included', () => {
    expect(decodePacket('0')).toEqual({ type: CONNECT, nsp: '/' });
    expect(decodePacket('0{"sid":"x"}')).toEqual({ type: CONNECT, nsp: '/', data: { sid: 'x' } });
    expect(decodePacket('2["news",1]')).toEqual({ type: EVENT, nsp: '/', data: ['news', 1] });
    expect(decodePacket('27["ask"]')).toEqual({ type: EVENT, nsp: '/', id: 7, data: ['ask'] });
    expect(decodePacket('31["ok"]')).toEqual({ type: ACK, nsp: '/', id: 1, data: ['ok'] });
    expect(decodePacket('2/admin,3["x"]')).toEqual({ type: EVENT, nsp: '/admin', id: 3, data: ['x'] });
    expect(decodePacket('4"unauthorized"')).toEqual({ type: CONNECT_ERROR, nsp: '/', data: 'unauthorized' });
    expect(decodePacket('4{"message":"no"}')).toEqual({
      type: CONNECT_ERROR,
      nsp: '/',
      data: { message: 'no' },
    });
  });

  it('returns null for malformed and binary packets instead of throwing', () => {
    for (const text of ['', 'x', '7', '2["unterminated', '51-["bin",{"_placeholder":true,"num":0}]', '6']) {
      expect(decodePacket(text)).toBeNull();
    }
  });

  it('keeps ack ids safe integers', () => {
    const p = decodePacket(`2${'9'.repeat(40)}`);
    expect(Number.isSafeInteger(p?.id)).toBe(true); // 15 digits read; the rest parses as data
    expect(decodePacket('2123456789012345["a"]')?.id).toBe(123456789012345);
  });
});
