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

/** The same CRC as `rowCrcExpr`, from a row's raw values as the source sent them. */
export class RowHasher {
  private scratch = Buffer.allocUnsafe(64 * 1024);
  private readonly nullable: boolean[];
  private readonly anyNullable: boolean;

  constructor(columns: readonly ChecksumColumn[]) {
    this.nullable = columns.map((c) => c.nullable);
    this.anyNullable = this.nullable.some(Boolean);
  }

  crc(row: RawRow): number {
    const n = this.nullable.length;
    let size = 2 * n + 1;
    for (let i = 0; i < n; i++) size += row[i]?.length ?? 0;
    if (size > this.scratch.length) this.scratch = Buffer.allocUnsafe(2 * size);
    const out = this.scratch;
    let q = 0;
    let first = true;
    for (let i = 0; i < n; i++) {
      const value = row[i];
      if (value === null || value === undefined) continue;
      if (!first) out[q++] = HASH;
      first = false;
      const length = value.length;
      if (length > 32) {
        q += value.copy(out, q);
      } else {
        for (let j = 0; j < length; j++) out[q++] = value[j];
      }
    }
    if (this.anyNullable) {
      if (!first) out[q++] = HASH;
      for (let i = 0; i < n; i++) if (this.nullable[i]) out[q++] = row[i] === null ? 0x31 : 0x30;
    }
    return crc32(out.subarray(0, q));
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
