/**
 * Small helpers for the modules that speak plain WebSocket (ws-chat, chatfaq): refusing a handshake
 * with a bare HTTP status, and reading a text frame whatever shape \`ws\` hands it in.
 */
import type { Duplex } from 'node:stream';
import type { RawData } from 'ws';

/** Refuse a handshake with a bare HTTP status; \`end\` then destroy so the status is flushed. */
export function refuse(socket: Duplex, status: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
