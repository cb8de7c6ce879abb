import type { Query } from 'mysql2';
import type { RowBytes, RowCodec } from './row-codec.js';

/** What mysql2 hands a row parser: its one reused packet, the payload at `buffer[offset, end)`. */
interface PacketView {
  buffer: Buffer;
  offset: number;
  end: number;
}

function isPacketView(value: unknown): value is PacketView {
  return (
    typeof value === 'object' &&
    value !== null &&
    Buffer.isBuffer(Reflect.get(value, 'buffer')) &&
    typeof Reflect.get(value, 'offset') === 'number' &&
    typeof Reflect.get(value, 'end') === 'number'
  );
}

/**
 * Read each row of `query` with `codec` and hand it to `onRow`, in place of mysql2's own row parsing
 * (a Buffer per value): the query's row parser is replaced by one that passes the packet's bytes to
 * the codec. This leans on mysql2's Query internals (`_rowParser`, and the packet's
 * `buffer`/`offset`/`end`), pinned by the lock file and by test/unit/migrate/row-bytes.test.ts
 * against a real server. The parser runs inside mysql2's own try, so whatever it or `onRow` throws
 * fails the query (its `error` event), never the process. Call right after creating the query,
 * before it runs; the query then emits no rows of its own.
 */
export function readRowBytes(query: Query, codec: RowCodec, onRow: (row: RowBytes) => void): void {
  let checked = false;
  const parser = {
    next(packet: unknown): null {
      // mysql2 hands every row the same Packet object: its shape is checked once, not per row.
      if (!checked) {
        if (!isPacketView(packet)) throw new Error("mysql2's rows no longer arrive as packets: see readRowBytes");
        checked = true;
      }
      const { buffer, offset, end } = packet as PacketView;
      codec.read(buffer, offset, end);
      onRow(codec.row);
      return null;
    },
  };
  // Guards against a mysql2 that works differently: a copy that silently got no rows would look
  // like an empty table (its counts and checksums would agree with nothing copied).
  if (!Object.hasOwn(query, '_rowParser'))
    throw new Error("mysql2's Query has no _rowParser any more: rows cannot be read as bytes (see readRowBytes)");
  Object.defineProperty(query, '_rowParser', { get: () => parser, set: () => undefined, configurable: true });
  query.on('result', (row: unknown) => {
    if (row !== null)
      query.emit('error', new Error('mysql2 parsed a row itself: rows are not read as bytes (see readRowBytes)'));
  });
}
