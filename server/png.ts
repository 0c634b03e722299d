/**
 * A tiny PNG encoder for the demo bots' pictures. Widgets show SVG attachments as files (SVG can
 * carry script when opened directly), so a demo "picture" must be a raster image; drawing it here
 * keeps binary files out of the repository and needs nothing but zlib.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export type Rgba = readonly [number, number, number, number];

/** Encodes an RGBA image; `pixel(x, y)` gives each pixel's colour. */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = pixel(x, y);
      raw.set([r, g, b, a], row + 1 + x * 4);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The demo greeting picture: a smiling face on a rounded blue card, 240×120. */
export function greetingPng(): Buffer {
  const blue: Rgba = [43, 108, 176, 255];
  const white: Rgba = [255, 255, 255, 255];
  const clear: Rgba = [0, 0, 0, 0];
  const inRoundedRect = (x: number, y: number, w: number, h: number, r: number) => {
    const cx = Math.min(Math.max(x, r), w - r);
    const cy = Math.min(Math.max(y, r), h - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
  const within = (x: number, y: number, cx: number, cy: number, r: number) =>
    (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  return encodePng(240, 120, (x, y) => {
    if (!inRoundedRect(x, y, 240, 120, 16)) return clear;
    if (within(x, y, 48, 54, 6) || within(x, y, 72, 54, 6)) return blue; // eyes
    const smile = within(x, y, 60, 66, 16) && !within(x, y, 60, 62, 13) && y > 68;
    if (smile) return blue;
    if (within(x, y, 60, 60, 34)) return white;
    // a few white bars to the right, standing in for text
    if (x > 110 && x < 220 && ((y > 44 && y < 54) || (y > 66 && y < 76 && x < 190))) return white;
    return blue;
  });
}
