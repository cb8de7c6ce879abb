import type { Pool } from 'mysql2/promise';
import { primaryFirst } from '../db/schema/order.js';
import { readSchema } from '../db/schema/read-schema.js';
import { schemaNames } from '../db/schema/schemata.js';
import type { IndexShape, TableShape } from '../db/schema/shape.js';
import { showCreate } from '../db/schema/show-create.js';
import { DbopsError } from '../kernel/errors.js';
import { closest } from '../text/closest.js';

/** A table of a schema as information_schema describes it (sizes and rows are InnoDB's estimates). */
export interface TableSummary {
  name: string;
  type: 'table' | 'view';
  engine: string | null;
  rows: number | null;
  dataBytes: number;
  indexBytes: number;
  indexes: number;
  comment: string;
}

export interface IndexInfo {
  name: string;
  unique: boolean;
  columns: string[];
  type: string;
  /** Distinct values of the whole key, InnoDB's estimate. */
  cardinality: number | null;
}

export interface SchemaMeta {
  schema: string;
  tables: TableSummary[];
}

export interface TableMeta {
  schema: string;
  table: TableSummary;
  indexes: IndexInfo[];
  /** SHOW CREATE TABLE (or VIEW). */
  definition: string;
}

/** Tables of `schema` with rows, data and index size and index count, largest first. */
export async function readSchemaMeta(pool: Pool, where: string, schema: string): Promise<SchemaMeta> {
  await requireSchema(pool, where, schema);
  const { tables } = await readSchema(pool, schema, { include: { details: true, indexes: true } });
  // Read by name; the sort is stable, so tables of one size stay by name.
  const bySize = [...tables.values()].sort((a, b) => bytes(b) - bytes(a));
  return { schema, tables: bySize.map((t) => toSummary(t, t.indexes.length)) };
}

/** One table: its summary, its indexes with their columns, and its definition. */
export async function readTableMeta(pool: Pool, where: string, schema: string, table: string): Promise<TableMeta> {
  await requireSchema(pool, where, schema);
  const read = await readSchema(pool, schema, { tables: [table], include: { details: true, indexes: true } });
  const [shape] = read.tables.values();
  if (!shape) {
    const hint = closest(table, [...(await readSchema(pool, schema)).tables.keys()]);
    throw new DbopsError(
      'not_found',
      `table \`${table}\` is not in ${where}.${schema}${hint ? ` — did you mean \`${hint}\`?` : ''}`,
    );
  }
  const indexes = primaryFirst(shape.indexes).map(toIndexInfo);
  const definition = (await showCreate(pool, schema, table)) ?? '';
  return { schema, table: toSummary(shape, indexes.length), indexes, definition };
}

async function requireSchema(pool: Pool, where: string, schema: string): Promise<void> {
  const names = await schemaNames(pool);
  if (names.includes(schema)) return;
  const hint = closest(schema, names);
  throw new DbopsError(
    'not_found',
    `schema \`${schema}\` is not on ${where}${hint ? ` — did you mean \`${hint}\`?` : ''}`,
  );
}

function bytes(t: TableShape): number {
  return (t.dataBytes ?? 0) + (t.indexBytes ?? 0);
}

function toSummary(t: TableShape, indexes: number): TableSummary {
  return {
    name: t.name,
    type: /VIEW/i.test(t.type) ? 'view' : 'table',
    engine: t.engine,
    rows: t.rows,
    dataBytes: t.dataBytes ?? 0,
    indexBytes: t.indexBytes ?? 0,
    indexes,
    comment: t.comment,
  };
}

function toIndexInfo(i: IndexShape): IndexInfo {
  // The last part's cardinality is the whole key's.
  const cardinality = i.parts.reduce<number | null>((known, p) => p.cardinality ?? known, null);
  return {
    name: i.name,
    unique: i.unique,
    columns: i.parts.map((p) => `${p.column ?? '(expression)'}${p.subPart ? `(${p.subPart})` : ''}`),
    type: i.type ?? '',
    cardinality,
  };
}
