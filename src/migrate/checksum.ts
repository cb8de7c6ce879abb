import type { ColumnInfo } from './catalog.js';
import { quoteIdent } from './sql.js';

/**
 * Row checksums, computed by the server the same way on both sides: CRC32 of the row's columns
 * joined with CONCAT_WS, plus a NULL bitmap (CONCAT_WS skips NULLs, so NULL, '' and 'NULL' would
 * otherwise collide). A range's checksum is the COUNT and the BIT_XOR of its rows' CRCs: order does
 * not matter, and the source's can be summed up client-side from a CRC column next to each row.
 */

const FLOAT_TYPES = new Set(['float']);

/**
 * The expression a column is read with. FLOAT is widened to DOUBLE: its own text form keeps only
 * six digits and would not load back to the same value; every FLOAT is exact as a DOUBLE.
 */
export function readExpr(column: Pick<ColumnInfo, 'name' | 'dataType'>): string {
  const name = quoteIdent(column.name);
  return FLOAT_TYPES.has(column.dataType.toLowerCase()) ? `CAST(${name} AS DOUBLE)` : name;
}

/** `CRC32(CONCAT_WS('#', a, b, …, CONCAT(ISNULL(a), ISNULL(b), …)))` over the copied columns. */
export function rowCrcExpr(columns: readonly Pick<ColumnInfo, 'name' | 'dataType'>[]): string {
  const values = columns.map(readExpr);
  const nulls = columns.map((c) => `ISNULL(${quoteIdent(c.name)})`);
  return `CRC32(CONCAT_WS('#', ${values.join(', ')}, CONCAT(${nulls.join(', ')})))`;
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
