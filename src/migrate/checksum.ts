import { crc32 } from 'node:zlib';
import type { ColumnInfo } from './catalog.js';
import type { RawRow } from './encode.js';
import { quoteIdent } from './sql.js';

/**
 * Row checksums: CRC32 of the row's columns as bytes, joined with CONCAT_WS('#', …), then a NULL
 * bitmap of the nullable columns (CONCAT_WS skips NULLs, so NULL, '' and 'NULL' would otherwise
 * collide). A range's checksum is its COUNT and the BIT_XOR of its rows' CRCs, so order does not
 * matter. The destination's (and a resumed run's source's) are computed by the server with
 * `rowCrcExpr`; while copying, the source's is computed here (`RowHasher`) from the very bytes the
 * source sent, which are what the server's CONCAT_WS sees: the source server does no extra work.
 */

type ChecksumColumn = Pick<ColumnInfo, 'name' | 'dataType' | 'nullable'> & { charset?: string | null };

const FLOAT_TYPES = new Set(['float']);

/**
 * The expression a column is read with. FLOAT is widened to DOUBLE: its own text form keeps only
 * six digits and would not load back to the same value; every FLOAT is exact as a DOUBLE.
 */
export function readExpr(column: Pick<ColumnInfo, 'name' | 'dataType'>): string {
  const name = quoteIdent(column.name);
  return FLOAT_TYPES.has(column.dataType.toLowerCase()) ? `CAST(${name} AS DOUBLE)` : name;
}

/**
 * `CRC32(CONCAT_WS('#', a, b, …, CONCAT(ISNULL(n1), …)))` over the copied columns (the bitmap over
 * nullable ones). CONCAT_WS gives each value's own bytes as long as the text columns share one
 * character set (numbers and dates are ASCII, binary strings stay as they are); when they do not,
 * the text columns are cast to BINARY so none is converted (a cast costs about as much as the CRC).
 */
export function rowCrcExpr(columns: readonly ChecksumColumn[]): string {
  const charsets = new Set(
    columns.map((c) => c.charset).filter((cs) => cs !== null && cs !== undefined && cs !== 'binary'),
  );
  const parts = columns.map((c) => (charsets.size > 1 && c.charset ? `CAST(${readExpr(c)} AS BINARY)` : readExpr(c)));
  const nullable = columns.filter((c) => c.nullable);
  if (nullable.length > 0) parts.push(`CONCAT(${nullable.map((c) => `ISNULL(${quoteIdent(c.name)})`).join(', ')})`);
  return `CRC32(CONCAT_WS('#', ${parts.join(', ')}))`;
}

const HASH = 0x23;
/** CRC-32 (zlib's: reflected 0xEDB88320) of one byte, by table. */
const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();
/** Values at least this long are hashed by zlib (native); shorter ones byte by byte here, where the call would cost more. */
const NATIVE_FROM = 64;

/**
 * The same CRC as `rowCrcExpr`, from a row's raw values as the source sent them. The CRC runs over
 * the values in place (no copy of the row into one buffer): short values through the table here,
 * long ones through zlib carrying the CRC on.
 */
export class RowHasher {
  private readonly nullable: boolean[];
  private readonly anyNullable: boolean;

  constructor(columns: readonly ChecksumColumn[]) {
    this.nullable = columns.map((c) => c.nullable);
    this.anyNullable = this.nullable.some(Boolean);
  }

  crc(row: RawRow): number {
    const n = this.nullable.length;
    const table = CRC_TABLE;
    // The CRC register, inverted as zlib keeps it while running.
    let r = -1;
    let first = true;
    for (let i = 0; i < n; i++) {
      const value = row[i];
      if (value === null || value === undefined) continue;
      if (!first) r = table[(r ^ HASH) & 0xff] ^ (r >>> 8);
      first = false;
      const length = value.length;
      if (length >= NATIVE_FROM) {
        r = ~crc32(value, ~r >>> 0);
      } else {
        for (let j = 0; j < length; j++) r = table[(r ^ value[j]) & 0xff] ^ (r >>> 8);
      }
    }
    if (this.anyNullable) {
      if (!first) r = table[(r ^ HASH) & 0xff] ^ (r >>> 8);
      for (let i = 0; i < n; i++)
        if (this.nullable[i]) r = table[(r ^ (row[i] === null ? 0x31 : 0x30)) & 0xff] ^ (r >>> 8);
    }
    return ~r >>> 0;
  }
}

export interface RangeSum {
  rows: number;
  /** BIT_XOR of the rows' CRC32s, unsigned. */
  crc: number;
}

export const EMPTY_SUM: RangeSum = { rows: 0, crc: 0 };

export function sameSum(a: RangeSum, b: RangeSum): boolean {
  return a.rows === b.rows && a.crc >>> 0 === b.crc >>> 0;
}

export function describeSum(sum: RangeSum): string {
  return `${sum.rows.toLocaleString('en-US')} rows, checksum ${(sum.crc >>> 0).toString(16).padStart(8, '0')}`;
}
