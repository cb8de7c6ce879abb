import { isObject, type TableRef } from '../ast.js';
import {
  charsetOfCollation,
  droppedDatabase,
  droppedTables,
  formatColumnType,
  renamedTables,
  tableDdl,
  targetTable,
  type AlterAction,
  type ColumnDef,
  type IndexDef,
  type TableDdl,
} from '../ast-ddl.js';
import { Cursor, lex } from '../ddl/lexer.js';
import type { ReviewStatement } from '../types.js';
import type { Catalog, CatalogColumn, CatalogIndex, CatalogTable } from './catalog.js';
import { createdDatabase } from './names.js';
import { cloneTable, findColumn, sameName } from './memory-catalog.js';

/**
 * Keep the catalog in step with the batch: after each statement is reviewed, the engine applies its
 * CREATE / ALTER / DROP / RENAME TABLE, CREATE / DROP INDEX or CREATE / DROP DATABASE here, so
 * later statements see the tables as they will be. Statements that do not change the schema, and
 * tables or schemas the catalog does not hold, leave it as it is.
 */
export function applyDdl(catalog: Catalog, stmt: ReviewStatement, schema?: string): void {
  switch (stmt.kind) {
    case 'create-table':
    case 'alter-table':
    case 'create-index': {
      const result = tableAfter(catalog, stmt, schema);
      if (!result) return;
      if (
        result.before &&
        (result.before.schema !== result.after.schema || !sameName(result.before.name, result.after.name))
      ) {
        catalog.dropTable(result.before.schema, result.before.name);
      }
      catalog.putTable(result.after);
      return;
    }
    case 'drop-index':
      return dropIndex(catalog, stmt, schema);
    case 'drop-table':
      for (const ref of droppedTables(stmt)) {
        const db = ref.db ?? schema;
        if (db) catalog.dropTable(db, ref.table);
      }
      return;
    case 'rename-table':
      return renameTables(catalog, stmt, schema);
    case 'create-database': {
      const name = createdDatabase(stmt);
      if (name) catalog.addSchema(name);
      return;
    }
    case 'drop-database': {
      const name = droppedDatabase(stmt);
      if (name) catalog.dropSchema(name);
      return;
    }
    default:
  }
}

export interface TableChange {
  /** The table before the statement (absent for CREATE TABLE). */
  before?: CatalogTable;
  /** The table as the statement leaves it; a new object, the catalog is not changed. */
  after: CatalogTable;
  ddl: TableDdl | null;
}

/**
 * The table a CREATE TABLE, ALTER TABLE or CREATE INDEX leaves, computed without changing the
 * catalog: what rules that judge the result (redundant indexes, total text length) look at.
 * Undefined when the statement does not change a table the catalog knows (or could know).
 */
export function tableAfter(catalog: Catalog, stmt: ReviewStatement, schema?: string): TableChange | undefined {
  const ddl = tableDdl(stmt);
  const ref = ddl?.table ?? null;
  const db = ref?.db ?? schema;
  if (!ddl || !ref || !db) return undefined;
  const existing = catalog.getTable(db, ref.table);
  if (ddl.statement === 'create-table') {
    if (existing && ddl.ifNotExists) return undefined;
    return { after: createdTable(catalog, stmt, ddl, db, ref.table), ddl };
  }
  if (!existing) return undefined;
  const after = cloneTable(existing);
  for (const action of ddl.actions) applyAction(after, action, db);
  return { before: existing, after, ddl };
}

function createdTable(catalog: Catalog, stmt: ReviewStatement, ddl: TableDdl, db: string, name: string): CatalogTable {
  if (ddl.copy === 'like') {
    const like = likeTable(stmt);
    const source = like ? catalog.getTable(like.db ?? db, like.table) : undefined;
    if (source) return { ...cloneTable(source), schema: db, name, rows: 0, dataBytes: 0, indexBytes: 0 };
  }
  const table: CatalogTable = {
    schema: db,
    name,
    engine: ddl.options.engine ?? 'InnoDB',
    columns: ddl.columns.map((c) => toColumn(c, ddl.options.charset, ddl.options.collation)),
    indexes: [],
    rows: 0,
    dataBytes: 0,
    indexBytes: 0,
    comment: ddl.options.comment ?? '',
    // LIKE an unknown table, or AS SELECT: the columns come from elsewhere.
    ...(ddl.copy ? { partial: true } : {}),
  };
  for (const index of ddl.indexes) addIndex(table, index);
  return table;
}

/** The source table of CREATE TABLE … LIKE (the DDL model keeps only that it is a copy). */
export function likeTable(stmt: ReviewStatement): TableRef | null {
  const like =
    isObject(stmt.ast) && isObject(stmt.ast.like) && Array.isArray(stmt.ast.like.table)
      ? stmt.ast.like.table[0]
      : undefined;
  if (isObject(like) && typeof like.table === 'string')
    return { db: typeof like.db === 'string' ? like.db : null, table: like.table };
  const cur = new Cursor(stmt.stripped, lex(stmt.stripped));
  while (!cur.done && !cur.accept('LIKE')) cur.next();
  return cur.done ? null : cur.qualifiedName();
}

function applyAction(table: CatalogTable, action: AlterAction, db: string): void {
  switch (action.type) {
    case 'add-column':
      return insertColumn(table, toColumn(action.column, null, null), action.column);
    case 'modify-column':
      return replaceColumn(table, action.column.name, action.column);
    case 'change-column':
      return replaceColumn(table, action.from, action.column);
    case 'drop-column':
      return dropColumn(table, action.name);
    case 'rename-column':
      return renameColumn(table, action.from, action.to);
    case 'alter-column-default': {
      const column = findColumn(table, action.name);
      if (!column) return;
      column.hasDefault = action.default !== null || column.nullable;
      column.defaultValue = action.default && action.default.kind !== 'null' ? action.default.value : null;
      return;
    }
    case 'add-index':
      return addIndex(table, action.index);
    case 'drop-index':
      table.indexes = table.indexes.filter((i) => !sameName(i.name, action.name));
      return;
    case 'drop-primary-key':
      table.indexes = table.indexes.filter((i) => !i.primary);
      return;
    case 'rename-index': {
      const index = table.indexes.find((i) => sameName(i.name, action.from));
      if (index) index.name = action.to;
      return;
    }
    case 'rename-table':
      table.schema = action.to.db ?? db;
      table.name = action.to.table;
      return;
    case 'table-options':
      if (action.options.engine) table.engine = action.options.engine;
      if (action.options.comment !== undefined && action.options.comment !== null)
        table.comment = action.options.comment;
      return;
    case 'convert-charset':
      for (const column of table.columns) {
        if (column.charset) {
          column.charset = action.charset;
          column.collation = action.collation;
        }
      }
      return;
    default:
  }
}

/** A column as the catalog holds it, from its definition in the statement. */
export function toColumn(def: ColumnDef, tableCharset: string | null, tableCollation: string | null): CatalogColumn {
  const textual =
    def.dataType.endsWith('char') || def.dataType.endsWith('text') || def.dataType === 'enum' || def.dataType === 'set';
  const collation = def.collation ?? (textual ? tableCollation : null);
  const charset = def.charset ?? (collation ? charsetOfCollation(collation) : textual ? tableCharset : null);
  return {
    name: def.name,
    dataType: def.dataType,
    columnType: formatColumnType(def),
    nullable: def.nullable,
    defaultValue: def.default && def.default.kind !== 'null' ? def.default.value : null,
    // A nullable column without DEFAULT defaults to NULL, as information_schema reports it.
    hasDefault: def.default !== null || (def.nullable && !def.autoIncrement && !def.generated),
    autoIncrement: def.autoIncrement,
    onUpdate: def.onUpdate !== null,
    charset,
    collation,
    comment: def.comment ?? '',
  };
}

function insertColumn(table: CatalogTable, column: CatalogColumn, def: ColumnDef): void {
  if (findColumn(table, column.name)) return; // the server refuses a duplicate column; keep the first
  table.columns.splice(positionOf(table, def, table.columns.length), 0, column);
}

function replaceColumn(table: CatalogTable, from: string, def: ColumnDef): void {
  const at = table.columns.findIndex((c) => sameName(c.name, from));
  if (at < 0) return;
  const old = table.columns[at];
  const column = toColumn(def, old.charset ?? null, old.collation ?? null);
  table.columns.splice(at, 1);
  table.columns.splice(positionOf(table, def, at), 0, column);
  renameInIndexes(table, from, def.name);
}

function positionOf(table: CatalogTable, def: ColumnDef, fallback: number): number {
  if (def.position?.kind === 'first') return 0;
  if (def.position?.kind === 'after') {
    const after = def.position.column;
    const at = table.columns.findIndex((c) => sameName(c.name, after));
    if (at >= 0) return at + 1;
  }
  return fallback;
}

function dropColumn(table: CatalogTable, name: string): void {
  table.columns = table.columns.filter((c) => !sameName(c.name, name));
  // The server takes the column out of every index and drops an index left with no column.
  for (const index of table.indexes) index.columns = index.columns.filter((c) => !sameName(c, name));
  table.indexes = table.indexes.filter((i) => i.columns.length > 0);
}

function renameColumn(table: CatalogTable, from: string, to: string): void {
  const column = findColumn(table, from);
  if (!column) return;
  column.name = to;
  renameInIndexes(table, from, to);
}

function renameInIndexes(table: CatalogTable, from: string, to: string): void {
  if (sameName(from, to) && from === to) return;
  for (const index of table.indexes) index.columns = index.columns.map((c) => (sameName(c, from) ? to : c));
}

/**
 * Add a key as the server would: PRIMARY for the primary key (its columns become NOT NULL), an
 * unnamed key named after its first column (`a`, `a_2`, …), and a foreign key only when no index
 * already starts with its columns (InnoDB then creates one).
 */
function addIndex(table: CatalogTable, def: IndexDef): void {
  const columns = def.columns.map((c) => (c.expression ? '(expression)' : c.name));
  if (def.kind === 'foreign' && table.indexes.some((i) => isPrefix(columns, i.columns))) return;
  if (def.kind === 'primary') {
    table.indexes = table.indexes.filter((i) => !i.primary);
    for (const name of columns) {
      const column = findColumn(table, name);
      if (column) {
        column.nullable = false;
        if (column.defaultValue === null && column.hasDefault) column.hasDefault = false;
      }
    }
  }
  const name =
    def.kind === 'primary' ? 'PRIMARY' : (def.name ?? def.constraint ?? freeIndexName(table, columns[0] ?? 'key'));
  const index: CatalogIndex = {
    name,
    columns,
    unique: def.kind === 'primary' || def.kind === 'unique',
    primary: def.kind === 'primary',
    type: def.kind === 'fulltext' ? 'FULLTEXT' : def.kind === 'spatial' ? 'SPATIAL' : 'BTREE',
  };
  if (index.primary) table.indexes.unshift(index);
  else table.indexes.push(index);
}

function freeIndexName(table: CatalogTable, base: string): string {
  const taken = (n: string) => table.indexes.some((i) => sameName(i.name, n));
  if (!taken(base)) return base;
  for (let k = 2; ; k++) if (!taken(`${base}_${k}`)) return `${base}_${k}`;
}

function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length > 0 && prefix.length <= of.length && prefix.every((c, i) => sameName(c, of[i]));
}

function dropIndex(catalog: Catalog, stmt: ReviewStatement, schema?: string): void {
  const ref = targetTable(stmt);
  const name = droppedIndexName(stmt);
  const db = ref?.db ?? schema;
  const table = ref && db ? catalog.getTable(db, ref.table) : undefined;
  if (!table || !name) return;
  const after = cloneTable(table);
  after.indexes = after.indexes.filter((i) => !sameName(i.name, name));
  catalog.putTable(after);
}

/** The index a DROP INDEX name ON t statement drops. */
export function droppedIndexName(stmt: ReviewStatement): string | null {
  if (isObject(stmt.ast) && isObject(stmt.ast.name) && typeof stmt.ast.name.column === 'string')
    return stmt.ast.name.column;
  const cur = new Cursor(stmt.stripped, lex(stmt.stripped));
  while (!cur.done && !cur.accept('INDEX')) cur.next();
  cur.accept('IF', 'EXISTS');
  return cur.name();
}

function renameTables(catalog: Catalog, stmt: ReviewStatement, schema?: string): void {
  // Renames apply left to right (`RENAME TABLE a TO tmp, b TO a, tmp TO b` swaps two tables).
  for (const { from, to } of renamedTables(stmt)) moveTable(catalog, from, to, schema);
}

function moveTable(catalog: Catalog, from: TableRef, to: TableRef, schema?: string): void {
  const fromDb = from.db ?? schema;
  const toDb = to.db ?? schema;
  const table = fromDb ? catalog.getTable(fromDb, from.table) : undefined;
  if (!table || !fromDb || !toDb) return;
  catalog.dropTable(fromDb, from.table);
  catalog.putTable({ ...table, schema: toDb, name: to.table });
}
