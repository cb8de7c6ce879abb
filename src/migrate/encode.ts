/**
 * Rows as the source sends them (raw bytes per column, null for NULL) turned into what the
 * destination reads: the LOAD DATA text format, or multi-row INSERT statements. Nothing is parsed
 * into JavaScript values, so BIGINT, DECIMAL, dates and binary data pass through byte for byte.
 */

import type { RowBytes, RowCodec } from './row-codec.js';

/** A row read the ordinary way (`rowsAsArray`, `typeCast: false`): a Buffer per value, null for NULL. */
export type RawRow = Array<Buffer | null>;

const BACKSLASH = 0x5c;

/** SQL string literal escapes (no NO_BACKSLASH_ESCAPES on the session). */
const SQL_ESCAPE = new Uint8Array(256);
SQL_ESCAPE[0x00] = 0x30; // \0
SQL_ESCAPE[0x0a] = 0x6e; // \n
SQL_ESCAPE[0x0d] = 0x72; // \r
SQL_ESCAPE[0x1a] = 0x5a; // \Z
SQL_ESCAPE[0x27] = 0x27; // \'
SQL_ESCAPE[BACKSLASH] = BACKSLASH;

/** The LOAD DATA clauses matching `TsvEncoder`'s output. */
export const LOAD_DATA_FORMAT =
  "CHARACTER SET binary FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'";

/** A growable output buffer, handed on in blocks so the consumer sees few, large writes. */
class BlockWriter {
  protected buf: Buffer;
  protected pos = 0;
  private emitted = 0;

  constructor(
    protected readonly blockSize: number,
    private readonly emit: (block: Buffer) => void,
  ) {
    this.buf = Buffer.allocUnsafe(blockSize);
  }

  /** Make room for `n` more bytes, handing on the current block first when it would overflow. */
  protected reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  /** Hand on what is buffered; the block now belongs to the consumer and a fresh one is started. */
  flush(): void {
    if (this.pos === 0) return;
    this.emit(this.buf.subarray(0, this.pos));
    this.emitted += this.pos;
    this.pos = 0;
    this.buf = Buffer.allocUnsafe(this.blockSize);
  }

  /** Bytes produced so far, handed on or not. */
  get bytes(): number {
    return this.emitted + this.pos;
  }
}

/**
 * Rows in LOAD DATA's tab-separated format (`\N` for NULL, `\0 \t \n \r \\` escaped, one line per
 * row), as a codec made with `tsv` writes them while it reads them, handed on in blocks of about
 * `blockSize` that live in the codec's memory (see `flush`).
 */
export class TsvEncoder {
  private emitted = 0;

  constructor(
    private readonly codec: RowCodec,
    private readonly emit: (block: Buffer) => void,
    private readonly blockSize = 256 * 1024,
  ) {}

  /** After each row the codec read: hand on a block when one is full. */
  row(): void {
    if (this.codec.pendingTsv >= this.blockSize) this.flush();
  }

  /** Hand on the lines written: a view of the codec's memory, which `emit` must use or copy at once. */
  flush(): void {
    if (this.codec.pendingTsv === 0) return;
    const block = this.codec.tsvLines();
    this.emitted += block.length;
    this.emit(block);
    this.codec.clear();
  }

  /** Bytes produced so far, handed on or not. */
  get bytes(): number {
    return this.emitted + this.codec.pendingTsv;
  }
}

/**
 * The `VALUES (…),(…)` part of multi-row INSERTs, at most `maxBytes` each, in plain ASCII (so it
 * survives being sent as a string): numbers bare, ASCII values quoted and escaped, any value with a
 * byte above 0x7F as a hex literal (a binary string, stored into the column as its own bytes,
 * whatever the connection's charset). The caller puts `INSERT INTO t (…)` in front.
 */
export class InsertEncoder extends BlockWriter {
  private rowsInStatement = 0;
  private readonly head = Buffer.from('VALUES ', 'latin1');

  constructor(
    private readonly numeric: readonly boolean[],
    private readonly maxBytes: number,
    emit: (values: Buffer) => void,
  ) {
    super(maxBytes + 1024, emit);
  }

  row(row: RowBytes, columns: number): void {
    const { buf: from, start, end } = row;
    let size = this.head.length + 3;
    for (let i = 0; i < columns; i++) size += start[i] < 0 ? 7 : 2 * (end[i] - start[i]) + 3;
    if (this.rowsInStatement > 0 && this.pos + size > this.maxBytes) this.flush();
    this.reserve(size);
    if (this.rowsInStatement === 0) {
      this.head.copy(this.buf, this.pos);
      this.pos += this.head.length;
    } else {
      this.buf[this.pos++] = 0x2c; // ,
    }
    this.buf[this.pos++] = 0x28; // (
    for (let i = 0; i < columns; i++) {
      if (i > 0) this.buf[this.pos++] = 0x2c;
      const s = start[i];
      if (s < 0) {
        this.pos += this.buf.write('NULL', this.pos, 'latin1');
      } else if (this.numeric[i]) {
        this.pos += from.copy(this.buf, this.pos, s, end[i]);
      } else {
        this.quoted(from, s, end[i]);
      }
    }
    this.buf[this.pos++] = 0x29; // )
    this.rowsInStatement++;
  }

  private quoted(from: Buffer, s: number, e: number): void {
    const out = this.buf;
    let p = this.pos;
    for (let j = s; j < e; j++) {
      if (from[j] > 0x7f) {
        out[p++] = 0x58; // X
        out[p++] = 0x27;
        p += out.write(from.toString('hex', s, e), p, 'latin1');
        out[p++] = 0x27;
        this.pos = p;
        return;
      }
    }
    out[p++] = 0x27;
    for (let j = s; j < e; j++) {
      const c = from[j];
      const escaped = SQL_ESCAPE[c];
      if (escaped === 0) {
        out[p++] = c;
      } else {
        out[p++] = BACKSLASH;
        out[p++] = escaped;
      }
    }
    out[p++] = 0x27;
    this.pos = p;
  }

  override flush(): void {
    super.flush();
    this.rowsInStatement = 0;
  }
}

/** Parse the unsigned decimal the source appends to each row (its CRC32) without making a string. */
export function parseUnsigned(value: Buffer | null): number {
  if (!value) return 0;
  let n = 0;
  for (let i = 0; i < value.length; i++) n = n * 10 + (value[i] - 0x30);
  return n;
}

/** A row read with `rowsAsArray` and `typeCast: false`: an array of Buffers and nulls. */
export function rawRow(value: unknown): RawRow {
  if (!Array.isArray(value)) throw new Error('expected a row read as an array of raw values');
  return value;
}
