import type { Pool, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { quoteIdent } from '../db/meta.js';
import { DbopsError } from '../errors.js';
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

const num = z
  .union([z.number(), z.string()])
  .nullable()
  .transform((v) => (v === null ? null : Number(v)));
const TableRow = z.looseObject({
  TABLE_NAME: z.string(),
  TABLE_TYPE: z.string(),
  ENGINE: z.string().nullable(),
  TABLE_ROWS: num,
  DATA_LENGTH: num,
  INDEX_LENGTH: num,
  TABLE_COMMENT: z.string().nullable(),
});
const IndexRow = z.looseObject({
  TABLE_NAME: z.string(),
  INDEX_NAME: z.string(),
  NON_UNIQUE: z.coerce.number(),
  SEQ_IN_INDEX: z.coerce.number(),
  COLUMN_NAME: z.string().nullable(),
  SUB_PART: num,
  INDEX_TYPE: z.string(),
  CARDINALITY: num,
});

/** Tables of `schema` with rows, data and index size and index count, largest first. */
export async function readSchemaMeta(pool: Pool, where: string, schema: string): Promise<SchemaMeta> {
  await requireSchema(pool, where, schema);
  const [tableRows] = await pool.query<RowDataPacket[]>(
    `SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH, TABLE_COMMENT FROM information_schema.TABLES
     WHERE TABLE_SCHEMA = ? ORDER BY COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) DESC, TABLE_NAME`,
    [schema],
  );
  const [countRows] = await pool.query<RowDataPacket[]>(
    'SELECT TABLE_NAME, COUNT(DISTINCT INDEX_NAME) AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? GROUP BY TABLE_NAME',
    [schema],
  );
  const counts = new Map(countRows.map((r) => [String(r.TABLE_NAME), Number(r.n)]));
  return { schema, tables: tableRows.map((r) => toSummary(TableRow.parse(r), counts.get(String(r.TABLE_NAME)) ?? 0)) };
}

/** One table: its summary, its indexes with their columns, and its definition. */
export async function readTableMeta(pool: Pool, where: string, schema: string, table: string): Promise<TableMeta> {
  await requireSchema(pool, where, schema);
  const [tableRows] = await pool.query<RowDataPacket[]>(
    'SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH, TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [schema, table],
  );
  if (!tableRows[0]) {
    const [names] = await pool.query<RowDataPacket[]>(
      'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [schema],
    );
    const hint = closest(
      table,
      names.map((r) => String(r.TABLE_NAME)),
    );
    throw new DbopsError(
      'not_found',
      `table \`${table}\` is not in ${where}.${schema}${hint ? ` — did you mean \`${hint}\`?` : ''}`,
    );
  }
  const [indexRows] = await pool.query<RowDataPacket[]>(
    `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, INDEX_TYPE, CARDINALITY FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX`,
    [schema, table],
  );
  const indexes = groupIndexes(indexRows.map((r) => IndexRow.parse(r)));
  const summary = toSummary(TableRow.parse(tableRows[0]), indexes.length);
  const [created] = await pool.query<RowDataPacket[]>(`SHOW CREATE TABLE ${quoteIdent(schema)}.${quoteIdent(table)}`);
  const row = created[0] ?? {};
  const definition = String(row['Create Table'] ?? row['Create View'] ?? '');
  return { schema, table: summary, indexes, definition };
}

async function requireSchema(pool: Pool, where: string, schema: string): Promise<void> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA');
  const names = rows.map((r) => String(r.SCHEMA_NAME));
  if (names.includes(schema)) return;
  const hint = closest(schema, names);
  throw new DbopsError(
    'not_found',
    `schema \`${schema}\` is not on ${where}${hint ? ` — did you mean \`${hint}\`?` : ''}`,
  );
}

function toSummary(r: z.infer<typeof TableRow>, indexes: number): TableSummary {
  return {
    name: r.TABLE_NAME,
    type: /VIEW/i.test(r.TABLE_TYPE) ? 'view' : 'table',
    engine: r.ENGINE,
    rows: r.TABLE_ROWS,
    dataBytes: r.DATA_LENGTH ?? 0,
    indexBytes: r.INDEX_LENGTH ?? 0,
    indexes,
    comment: r.TABLE_COMMENT ?? '',
  };
}

function groupIndexes(rows: Array<z.infer<typeof IndexRow>>): IndexInfo[] {
  const byName = new Map<string, IndexInfo>();
  for (const r of rows) {
    let index = byName.get(r.INDEX_NAME);
    if (!index) {
      index = { name: r.INDEX_NAME, unique: r.NON_UNIQUE === 0, columns: [], type: r.INDEX_TYPE, cardinality: null };
      byName.set(r.INDEX_NAME, index);
    }
    index.columns.push(`${r.COLUMN_NAME ?? '(expression)'}${r.SUB_PART ? `(${r.SUB_PART})` : ''}`);
    if (r.CARDINALITY !== null) index.cardinality = r.CARDINALITY;
  }
  return [...byName.values()];
}
