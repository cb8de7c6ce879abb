import type { ColumnShape } from './shape.js';

export type ServerFlavor = 'mariadb' | 'mysql';

/** A column's default as a value, and whether it has one: COLUMN_DEFAULT read the way its server writes it. */
export function columnDefault(
  column: Pick<ColumnShape, 'default' | 'nullable'>,
  flavor: ServerFlavor,
): { value: string | null; hasDefault: boolean } {
  return flavor === 'mariadb' ? mariaDbDefault(column.default) : mysqlDefault(column.default, column.nullable);
}

/**
 * MariaDB (10.2.7+) writes COLUMN_DEFAULT as SQL: `'text'` quoted, `NULL` for DEFAULT NULL,
 * expressions as written; SQL NULL means the column has no default.
 */
function mariaDbDefault(raw: string | null): { value: string | null; hasDefault: boolean } {
  if (raw === null) return { value: null, hasDefault: false };
  if (raw === 'NULL') return { value: null, hasDefault: true };
  if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'"))
    return { value: raw.slice(1, -1).replaceAll("''", "'"), hasDefault: true };
  return { value: raw, hasDefault: true };
}

/** MySQL writes the bare value, and NULL both for DEFAULT NULL and for no default (nullable columns default to NULL). */
function mysqlDefault(raw: string | null, nullable: boolean): { value: string | null; hasDefault: boolean } {
  return { value: raw, hasDefault: raw !== null || nullable };
}
