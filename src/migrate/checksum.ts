import type { ColumnInfo } from './catalog.js';
import { quoteIdent } from './sql.js';

/**
 * Row checksums: CRC32 of the row's columns as bytes, joined with CONCAT_WS('#', …), then a NULL
 * bitmap of the nullable columns (CONCAT_WS skips NULLs, so NULL, '' and 'NULL' would otherwise
 * collide). A range's checksum is its COUNT and the BIT_XOR of its rows' CRCs, so order does not
 * matter. The destination's (and a resumed run's source's) are computed by the server with
 * `rowCrcExpr`; while copying, the source's is computed by `RowCodec` from the very bytes the
 * source sent, which are what the server's CONCAT_WS sees: the source server does no extra work.
 */

export type ChecksumColumn = Pick<ColumnInfo, 'name' | 'dataType' | 'nullable'> & { charset?: string | null };

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
