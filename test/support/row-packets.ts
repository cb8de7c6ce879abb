import type { RowBytes, RowCodec } from '../../src/migrate/row-codec.js';

/** A text-protocol row packet's payload: each value length-encoded, 0xFB for NULL (as servers send them). */
export function textRow(values: ReadonlyArray<Buffer | string | null>): Buffer {
  const parts: Buffer[] = [];
  for (const value of values) {
    if (value === null) {
      parts.push(Buffer.from([0xfb]));
      continue;
    }
    const bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
    const n = bytes.length;
    if (n < 0xfb) parts.push(Buffer.from([n]));
    else if (n < 1 << 16) parts.push(Buffer.from([0xfc, n & 0xff, n >> 8]));
    else if (n < 1 << 24) parts.push(Buffer.from([0xfd, n & 0xff, (n >> 8) & 0xff, n >> 16]));
    else {
      const length = Buffer.alloc(9);
      length[0] = 0xfe;
      length.writeUInt32LE(n, 1);
      parts.push(length);
    }
    parts.push(bytes);
  }
  return Buffer.concat(parts);
}

/** Have `codec` read a row of these values, as it would from a packet (at an offset, to keep it honest). */
export function readValues(codec: RowCodec, values: ReadonlyArray<Buffer | string | null>): RowBytes {
  const payload = textRow(values);
  const packet = Buffer.concat([Buffer.from('head'), payload, Buffer.from('tail')]);
  codec.read(packet, 4, 4 + payload.length);
  return codec.row;
}
