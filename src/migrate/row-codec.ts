import type { ChecksumColumn } from './checksum.js';
import { ROW_CODEC_WASM } from './wasm/row-codec.wasm.js';

/**
 * One row of a text-protocol result as bytes: column i is `buf[start[i], end[i])`, or NULL when
 * `start[i]` is -1. Nothing is allocated per row or per value — a copy reads millions of them, and a
 * Buffer per value (what mysql2 hands out) cost more CPU than encoding and checksumming them. A row
 * is valid only during the call it is handed to: the next row overwrites it.
 */
export interface RowBytes {
  buf: Buffer;
  start: Int32Array;
  end: Int32Array;
}

/** MySQL's and MariaDB's most columns in a table. */
export const MAX_COLUMNS = 4096;

// The memory layout row-codec.wat works on (see its header).
const ESCAPES = 0;
const CRC_TABLES = 256;
const NULLABLE = 8448;
const STARTS = 16384;
const ENDS = 32768;
const CRC_AT = 49152;
const DATA = 65536;
const PAGE = 65536;
/** Room for TSV output and for the Buffer rows are read from, at first; both grow for bigger ones. */
const FIRST_OUTPUT_BYTES = 512 * 1024;
const FIRST_INPUT_BYTES = 256 * 1024;

/** LOAD DATA escapes (`FIELDS ESCAPED BY '\\'`): byte → the letter after the backslash. */
const TSV_ESCAPES: ReadonlyArray<[number, number]> = [
  [0x00, 0x30], // \0
  [0x09, 0x74], // \t
  [0x0a, 0x6e], // \n
  [0x0d, 0x72], // \r
  [0x5c, 0x5c], // \\
];

type RowCall = (at: number, length: number, columns: number, nullable: number, out: number) => number;

function isRowCall(value: unknown): value is RowCall {
  return typeof value === 'function' && value.length === 5;
}

/** The module, compiled once at import (about 1 KB: well under a millisecond). */
const CODEC_MODULE = new WebAssembly.Module(Buffer.from(ROW_CODEC_WASM, 'base64'));

function instantiate(): { memory: WebAssembly.Memory; row: RowCall } {
  const { memory, row } = new WebAssembly.Instance(CODEC_MODULE).exports;
  if (!(memory instanceof WebAssembly.Memory) || !isRowCall(row))
    throw new Error('row-codec.wasm does not export what row-codec.ts expects: run npm run build:wasm');
  return { memory, row };
}

/**
 * zlib's CRC-32 table (reflected 0xEDB88320), then the seven more that slicing-by-8 reads: entry n
 * of table k is the CRC register after byte n and k zero bytes.
 */
function crcTables(): Int32Array {
  const tables = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[n] = c;
  }
  for (let k = 1; k < 8; k++)
    for (let n = 0; n < 256; n++) {
      const previous = tables[(k - 1) * 256 + n];
      tables[k * 256 + n] = (previous >>> 8) ^ tables[previous & 0xff];
    }
  return tables;
}
const CRC_VALUES = crcTables();

/**
 * The copy's per-row work on a table's rows, in WebAssembly (src/migrate/wasm/row-codec.wat): read
 * a text-protocol row packet, give its CRC — the one the server's `rowCrcExpr` computes over the
 * same bytes — and, with `tsv`, append it to LOAD DATA input. Byte loops run several times faster
 * there than over Buffers here, and a copy touches every byte of the source twice (checksum and
 * encoding). One codec per chunk read, with memory of its own; `row` shows the row read last there.
 */
export class RowCodec {
  /** The row read last (valid until the next read). */
  readonly row: RowBytes;
  private readonly wasm = instantiate();
  private readonly columns: number;
  private readonly nullable: number;
  private readonly tsv: boolean;
  private crcView = new Uint32Array(0);
  private outputBytes = FIRST_OUTPUT_BYTES;
  private inputBytes = FIRST_INPUT_BYTES;
  /** The Buffer whose bytes the input area holds. */
  private input: Buffer | null = null;
  /** Where the next TSV line goes (absolute). */
  private outputEnd = DATA;

  constructor(columns: readonly Pick<ChecksumColumn, 'nullable'>[], options: { tsv?: boolean } = {}) {
    if (columns.length === 0 || columns.length > MAX_COLUMNS)
      throw new Error(`a row codec takes 1 to ${MAX_COLUMNS} columns, not ${columns.length}`);
    this.columns = columns.length;
    this.nullable = columns.some((c) => c.nullable) ? 1 : 0;
    this.tsv = options.tsv ?? false;
    this.row = { buf: Buffer.alloc(0), start: new Int32Array(0), end: new Int32Array(0) };
    this.fitMemory();
    const bytes = this.row.buf;
    for (const [byte, letter] of TSV_ESCAPES) bytes[ESCAPES + byte] = letter;
    for (const [n, value] of CRC_VALUES.entries()) bytes.writeInt32LE(value, CRC_TABLES + 4 * n);
    for (const [i, column] of columns.entries()) bytes[NULLABLE + i] = column.nullable ? 1 : 0;
  }

  /** Grow memory to hold the output and row areas, and see it again (growing detaches the old views). */
  private fitMemory(): void {
    const memory = this.wasm.memory;
    const wanted = DATA + this.outputBytes + this.inputBytes;
    if (memory.buffer.byteLength < wanted) {
      try {
        memory.grow(Math.ceil((wanted - memory.buffer.byteLength) / PAGE));
      } catch (err) {
        // WebAssembly memory ends at 4 GB: a row needs room for itself and for its escaped line.
        throw new Error(
          `a row of about ${Math.round(this.inputBytes / 1048576)} MB is more than a copy can carry (rows up to about 1.3 GB): copy that table with another tool`,
          { cause: err },
        );
      }
    }
    this.row.buf = Buffer.from(memory.buffer);
    this.row.start = new Int32Array(memory.buffer, STARTS, this.columns);
    this.row.end = new Int32Array(memory.buffer, ENDS, this.columns);
    this.crcView = new Uint32Array(memory.buffer, CRC_AT, 1);
    // The input area may have moved: copy the next Buffer in again.
    this.input = null;
  }

  /**
   * Read one row packet's payload, `buf[offset, end)`, and with `tsv` append its LOAD DATA line
   * (`LOAD_DATA_FORMAT`). Throws when it is not a row of this table's columns. The whole of `buf`
   * (a socket read, holding many rows) is copied into the codec once, not a row at a time: its next
   * rows are read where they already are. Makes room first for the Buffer and for the row's line.
   */
  read(buf: Buffer, offset: number, end: number): void {
    const length = end - offset;
    const line = 2 * length + 3 * this.columns;
    if (buf.length > this.inputBytes || this.pendingTsv + line > this.outputBytes) {
      this.inputBytes = Math.max(this.inputBytes, buf.length);
      this.outputBytes = Math.max(this.outputBytes, 2 * (this.pendingTsv + line));
      this.fitMemory();
    }
    const at = DATA + this.outputBytes;
    // A Buffer's bytes never change once read from the socket (each read, and each packet mysql2
    // joins or keeps while paused, is a Buffer of its own), so the same Buffer is the same bytes.
    if (buf !== this.input) {
      buf.copy(this.row.buf, at);
      this.input = buf;
    }
    const ended = this.wasm.row(at + offset, length, this.columns, this.nullable, this.tsv ? this.outputEnd : 0);
    if (ended < 0) throw new Error(`a row of ${length} bytes did not hold ${this.columns} values`);
    if (this.tsv) this.outputEnd = ended;
  }

  /** The CRC32 of the row read last, as `rowCrcExpr` computes it on the server (unsigned). */
  get crc(): number {
    return this.crcView[0];
  }

  get pendingTsv(): number {
    return this.outputEnd - DATA;
  }

  /**
   * The lines written since the last `clear`, in the codec's memory: valid until the codec reads
   * again (copy what must outlive that).
   */
  tsvLines(): Buffer {
    return this.row.buf.subarray(DATA, this.outputEnd);
  }

  /** Forget the lines written (they were handed on, or the chunk is over). */
  clear(): void {
    this.outputEnd = DATA;
  }
}
