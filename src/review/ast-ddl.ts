import { isObject, type TableRef } from './ast.js';
import { tableDdlFromAst } from './ddl/from-ast.js';
import { tableDdlFromText } from './ddl/from-text.js';
import { formatColumnType } from './ddl/data-types.js';
import { readColumn } from './ddl/text-parts.js';
import { Cursor, lex } from './ddl/lexer.js';
import type { ColumnDef, IndexDef, TableDdl } from './ddl/model.js';
import type { Catalog, CatalogTable } from './catalog/catalog.js';
import type { ReviewStatement } from './types.js';

/**
 * Table DDL in one normalised shape (see ddl/model.ts): column definitions, types, keys and table
 * options out of CREATE TABLE / ALTER TABLE / CREATE INDEX, and the tables DROP / RENAME name.
 * Read from node-sql-parser's AST; when the parser could not read the statement, from its
 * comment-stripped tokens (ddl/from-text.ts). Each statement is read once, however many rules ask.
 */
export type {
  AlterAction,
  ColumnDef,
  ColumnDefault,
  ColumnPosition,
  DefaultKind,
  IndexColumn,
  IndexDef,
  IndexKind,
  TableDdl,
  TableOptions,
} from './ddl/model.js';
export {
  BLOB_TYPES,
  CHAR_TYPES,
  FLOAT_TYPES,
  INTEGER_TYPES,
  NUMERIC_TYPES,
  SPATIAL_TYPES,
  TEMPORAL_TYPES,
  TEXT_TYPES,
  charsetOfCollation,
  formatColumnType,
  integerRange,
  isIntegerType,
  isLobType,
  isNoLiteralDefaultType,
  resolveType,
} from './ddl/data-types.js';

const TABLE_DDL_KINDS: ReadonlySet<ReviewStatement['kind']> = new Set(['create-table', 'alter-table', 'create-index']);
const cache = new WeakMap<ReviewStatement, TableDdl | null>();

/** The statement's table DDL (CREATE TABLE, ALTER TABLE, CREATE INDEX), or null for any other statement. */
export function tableDdl(stmt: ReviewStatement): TableDdl | null {
  if (!TABLE_DDL_KINDS.has(stmt.kind)) return null;
  let ddl = cache.get(stmt);
  if (ddl === undefined) {
    ddl = (stmt.ast ? tableDdlFromAst(stmt.ast) : null) ?? tableDdlFromText(stmt.stripped);
    cache.set(stmt, ddl);
  }
  return ddl;
}

/** `db.table` or `table`, for messages. */
export function qualified(ref: TableRef): string {
  return ref.db ? `${ref.db}.${ref.table}` : ref.table;
}

/** Whether two references name the same table; an unqualified name is in `schema` (the review's default). */
export function sameTable(a: TableRef, b: TableRef, schema?: string): boolean {
  const dbA = (a.db ?? schema ?? '').toLowerCase();
  const dbB = (b.db ?? schema ?? '').toLowerCase();
  return dbA === dbB && a.table.toLowerCase() === b.table.toLowerCase();
}

/** Key for grouping statements by table. */
export function tableKey(ref: TableRef, schema?: string): string {
  return `${(ref.db ?? schema ?? '').toLowerCase()}.${ref.table.toLowerCase()}`;
}

function cursorOf(stmt: ReviewStatement): Cursor {
  return new Cursor(stmt.stripped, lex(stmt.stripped));
}

function tableRefs(list: unknown): TableRef[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) =>
    isObject(item) && typeof item.table === 'string'
      ? [{ db: typeof item.db === 'string' ? item.db : null, table: item.table }]
      : [],
  );
}

/** Tables a DROP TABLE names. */
export function droppedTables(stmt: ReviewStatement): TableRef[] {
  if (stmt.kind !== 'drop-table') return [];
  if (isObject(stmt.ast) && stmt.ast.type === 'drop' && Array.isArray(stmt.ast.name)) return tableRefs(stmt.ast.name);
  const cur = cursorOf(stmt);
  cur.accept('DROP');
  cur.accept('TEMPORARY');
  if (!cur.accept('TABLE')) cur.accept('TABLES');
  cur.accept('IF', 'EXISTS');
  const refs: TableRef[] = [];
  do {
    const ref = cur.qualifiedName();
    if (ref) refs.push(ref);
  } while (cur.acceptPunct(','));
  return refs;
}

export interface TableRename {
  from: TableRef;
  to: TableRef;
}

/** Renames by RENAME TABLE a TO b, … and by ALTER TABLE a RENAME [TO] b. */
export function renamedTables(stmt: ReviewStatement): TableRename[] {
  if (stmt.kind === 'alter-table') {
    const ddl = tableDdl(stmt);
    const from = ddl?.table;
    if (!ddl || !from) return [];
    return ddl.actions.flatMap((a) =>
      a.type === 'rename-table' ? [{ from, to: { db: a.to.db ?? from.db, table: a.to.table } }] : [],
    );
  }
  if (stmt.kind !== 'rename-table') return [];
  if (isObject(stmt.ast) && stmt.ast.type === 'rename' && Array.isArray(stmt.ast.table)) {
    return stmt.ast.table.flatMap((pair) => {
      const [from, to] = tableRefs(pair);
      return from && to ? [{ from, to }] : [];
    });
  }
  const cur = cursorOf(stmt);
  cur.accept('RENAME');
  if (!cur.accept('TABLE')) cur.accept('TABLES');
  const renames: TableRename[] = [];
  do {
    const from = cur.qualifiedName();
    cur.accept('TO');
    const to = cur.qualifiedName();
    if (from && to) renames.push({ from, to });
  } while (cur.acceptPunct(','));
  return renames;
}

/** The database a DROP DATABASE / DROP SCHEMA names. */
export function droppedDatabase(stmt: ReviewStatement): string | null {
  if (stmt.kind !== 'drop-database') return null;
  if (isObject(stmt.ast) && typeof stmt.ast.name === 'string') return stmt.ast.name;
  const cur = cursorOf(stmt);
  cur.accept('DROP');
  if (!cur.accept('DATABASE')) cur.accept('SCHEMA');
  cur.accept('IF', 'EXISTS');
  return cur.name();
}

/** The table an ALTER TABLE, CREATE INDEX, DROP INDEX … ON, or CREATE TABLE works on. */
export function targetTable(stmt: ReviewStatement): TableRef | null {
  if (stmt.kind === 'drop-index') {
    if (isObject(stmt.ast) && isObject(stmt.ast.table) && typeof stmt.ast.table.table === 'string') {
      return { db: typeof stmt.ast.table.db === 'string' ? stmt.ast.table.db : null, table: stmt.ast.table.table };
    }
    const cur = cursorOf(stmt);
    while (!cur.done && !cur.accept('ON')) cur.next();
    return cur.qualifiedName();
  }
  return tableDdl(stmt)?.table ?? null;
}

/** Name of the object a CREATE TRIGGER / PROCEDURE / FUNCTION / EVENT / VIEW statement creates. */
export function createdObjectName(
  stmt: ReviewStatement,
  keyword: 'TRIGGER' | 'PROCEDURE' | 'FUNCTION' | 'EVENT' | 'VIEW',
): string | null {
  const cur = cursorOf(stmt);
  // Past CREATE, OR REPLACE, ALGORITHM=…, DEFINER=user@host, SQL SECURITY …: the keyword itself.
  for (let k = 0; k < 40 && !cur.done && cur.word() !== keyword; k++) cur.next();
  if (!cur.accept(keyword)) return null;
  cur.accept('IF', 'NOT', 'EXISTS');
  const ref = cur.qualifiedName();
  return ref ? qualified(ref) : null;
}

const createdCache = new WeakMap<readonly ReviewStatement[], Map<string, Map<string, number>>>();

/** Per batch and default schema: the index of the first statement that creates each table (CREATE TABLE, RENAME … TO). */
function createdTables(batch: readonly ReviewStatement[], schema: string | undefined): Map<string, number> {
  let bySchema = createdCache.get(batch);
  if (!bySchema) {
    bySchema = new Map();
    createdCache.set(batch, bySchema);
  }
  let created = bySchema.get(schema ?? '');
  if (created) return created;
  created = new Map();
  for (const stmt of batch) {
    const targets =
      stmt.kind === 'create-table'
        ? [tableDdl(stmt)?.table]
        : stmt.kind === 'rename-table' || stmt.kind === 'alter-table'
          ? renamedTables(stmt).map((r) => r.to)
          : [];
    for (const ref of targets) {
      const key = ref ? tableKey(ref, schema) : null;
      if (key && !created.has(key)) created.set(key, stmt.index);
    }
  }
  bySchema.set(schema ?? '', created);
  return created;
}

/** Whether an earlier statement of the batch creates the table (CREATE TABLE, or RENAME … TO it). */
export function createdEarlierInBatch(
  batch: readonly ReviewStatement[],
  stmt: ReviewStatement,
  ref: TableRef,
  schema?: string,
): boolean {
  const first = createdTables(batch, schema).get(tableKey(ref, schema));
  return first !== undefined && first < stmt.index;
}

/** `` `db.t` `` or "the table", for messages. */
export function tableLabel(ddl: Pick<TableDdl, 'table'>): string {
  return ddl.table ? `\`${qualified(ddl.table)}\`` : 'the table';
}

/** A column definition as a short SQL fragment for reports: `` `price` DOUBLE(8,2) UNSIGNED ``. */
export function columnFragment(col: ColumnDef): string {
  return `\`${col.name}\` ${formatColumnType(col, 'upper')}`;
}

const INDEX_WORDS: Readonly<Record<IndexDef['kind'], string>> = {
  primary: 'PRIMARY KEY',
  unique: 'UNIQUE KEY',
  index: 'KEY',
  fulltext: 'FULLTEXT KEY',
  spatial: 'SPATIAL KEY',
  foreign: 'FOREIGN KEY',
};

/** A key as a short SQL fragment: ``UNIQUE KEY `uk_email` (`email`(20))``. */
export function indexFragment(index: IndexDef): string {
  const parts = index.columns.map((c) =>
    c.expression ? '(…)' : `\`${c.name}\`${c.prefixLength !== null ? `(${c.prefixLength})` : ''}`,
  );
  const name = index.kind !== 'primary' && index.name ? ` \`${index.name}\`` : '';
  return `${INDEX_WORDS[index.kind]}${name} (${parts.join(', ')})`;
}

/** Lower-cased names of the primary-key columns the statement declares. */
export function primaryKeyColumns(ddl: TableDdl): Set<string> {
  return new Set(
    ddl.indexes.filter((i) => i.kind === 'primary').flatMap((i) => i.columns.map((c) => c.name.toLowerCase())),
  );
}

/**
 * A column type as information_schema writes it (`varchar(64)`, `int(10) unsigned`, `enum('a','b')`)
 * in the shape of a column definition; null when it is not a type the readers know.
 */
export function parseColumnType(columnType: string): ColumnDef | null {
  const sql = `x ${columnType}`;
  const cur = new Cursor(sql, lex(sql));
  cur.next();
  return readColumn(cur, 'x', 0).column;
}

/** The catalog's definition of a table the statement names (an unqualified name is in the review's schema). */
export function catalogTable(
  catalog: Catalog | undefined,
  ref: TableRef | null,
  schema: string | undefined,
): CatalogTable | undefined {
  const db = ref?.db ?? schema;
  if (!catalog || !ref || !db) return undefined;
  return catalog.getTable(db, ref.table);
}

/**
 * ALGORITHM= and LOCK= of an ALTER TABLE, CREATE INDEX or DROP INDEX (null when absent);
 * null for other statements.
 */
export function onlineDdlOptions(stmt: ReviewStatement): { algorithm: string | null; lock: string | null } | null {
  if (stmt.kind === 'drop-index') {
    const found = { algorithm: null as string | null, lock: null as string | null };
    const cur = cursorOf(stmt);
    while (!cur.done) {
      const word = cur.peek()?.depth === 0 ? cur.word() : '';
      cur.next();
      if (word !== 'ALGORITHM' && word !== 'LOCK') continue;
      cur.acceptPunct('=');
      const value = cur.next()?.raw.toUpperCase() ?? '';
      if (word === 'ALGORITHM') found.algorithm = value;
      else found.lock = value;
    }
    return found;
  }
  const ddl = tableDdl(stmt);
  if (!ddl || ddl.statement === 'create-table') return null;
  return { algorithm: ddl.algorithm, lock: ddl.lock };
}
