import { quoteIdent } from '../db/meta.js';

/** `schema`.`table`, each part quoted. */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** A comma-separated list of quoted identifiers. */
export function identList(names: readonly string[]): string {
  return names.map(quoteIdent).join(', ');
}

export { quoteIdent };

/**
 * How a key column's values are written back into SQL so that comparisons order exactly as the
 * index does: numbers bare, temporal values quoted, strings as hex with their charset and collation
 * (so `>` uses the column's collation, not byte order).
 */
export type KeyLiteralKind = 'number' | 'temporal' | 'string' | 'binary';

export interface KeyColumn {
  name: string;
  kind: KeyLiteralKind;
  /** For `string`: the column's character set and collation. */
  charset?: string | null;
  collation?: string | null;
}

/** A key value as the source sent it (raw bytes), kept as hex so plans and journals stay JSON. */
export type KeyValue = string[];

const NUMBER_TEXT = /^-?[0-9]+(\.[0-9]+)?$/;
const TEMPORAL_TEXT = /^-?[0-9: .-]+$/;
const SAFE_NAME = /^[A-Za-z0-9_]+$/;

/** The SQL literal for one key part (hex-encoded raw bytes from the source). */
export function keyLiteral(column: KeyColumn, hex: string): string {
  const text = Buffer.from(hex, 'hex').toString('latin1');
  switch (column.kind) {
    case 'number':
      if (!NUMBER_TEXT.test(text)) throw new Error(`unexpected numeric key value for ${column.name}`);
      return text;
    case 'temporal':
      if (!TEMPORAL_TEXT.test(text)) throw new Error(`unexpected temporal key value for ${column.name}`);
      return `'${text}'`;
    case 'binary':
      return `X'${hex}'`;
    case 'string': {
      const charset = column.charset ?? 'binary';
      const collation = column.collation;
      if (!SAFE_NAME.test(charset) || (collation && !SAFE_NAME.test(collation)))
        throw new Error(`unexpected charset for ${column.name}`);
      return collation ? `_${charset} X'${hex}' COLLATE ${collation}` : `_${charset} X'${hex}'`;
    }
  }
}

/** `key > lo` over a composite key, written so the range optimizer uses the index: `a > 1 OR (a = 1 AND b > 2)`. */
function tupleCompare(
  columns: readonly KeyColumn[],
  value: KeyValue,
  strict: '>' | '<',
  last: '>' | '<' | '<=',
): string {
  const terms: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const eqs = columns.slice(0, i).map((c, j) => `${quoteIdent(c.name)} = ${keyLiteral(c, value[j])}`);
    const op = i === columns.length - 1 ? last : strict;
    eqs.push(`${quoteIdent(columns[i].name)} ${op} ${keyLiteral(columns[i], value[i])}`);
    terms.push(eqs.length === 1 ? eqs[0] : `(${eqs.join(' AND ')})`);
  }
  return terms.length === 1 ? terms[0] : `(${terms.join(' OR ')})`;
}

/** A half-open key range `(lo, hi]`; null ends are unbounded. Every row falls in exactly one chunk. */
export interface KeyRange {
  lo: KeyValue | null;
  hi: KeyValue | null;
}

/** The WHERE condition selecting a range (`1` when the range is the whole table). */
export function rangeCondition(columns: readonly KeyColumn[], range: KeyRange): string {
  const parts: string[] = [];
  if (range.lo) parts.push(tupleCompare(columns, range.lo, '>', '>'));
  if (range.hi) parts.push(tupleCompare(columns, range.hi, '<', '<='));
  return parts.length === 0 ? '1' : parts.join(' AND ');
}

/** How a range reads in messages: `id in (100, 200]`, `(a, b) in ((1, x), +∞)`. */
export function describeRange(columns: readonly KeyColumn[], range: KeyRange): string {
  if (columns.length === 0) return 'the whole table';
  const show = (value: KeyValue | null, open: string) => {
    if (!value) return open;
    const parts = value.map((hex, i) => printable(columns[i], hex));
    return parts.length === 1 ? parts[0] : `(${parts.join(', ')})`;
  };
  const name = columns.length === 1 ? columns[0].name : `(${columns.map((c) => c.name).join(', ')})`;
  return `${name} in (${show(range.lo, '-∞')}, ${show(range.hi, '+∞')}${range.hi ? ']' : ')'}`;
}

function printable(column: KeyColumn, hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  if (column.kind === 'binary') return `0x${hex.slice(0, 32)}${hex.length > 32 ? '…' : ''}`;
  const text = bytes.toString('utf8');
  const cut = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return column.kind === 'number' ? cut : `'${cut}'`;
}
