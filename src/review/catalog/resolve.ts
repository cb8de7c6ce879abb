import { isObject, walk, type TableRef } from '../ast.js';
import { columnName, fromItems, queryBlocks, type AstNode } from '../ast-dml.js';
import type { AnyAst } from '../types.js';
import type { Catalog, CatalogColumn, CatalogTable } from './catalog.js';
import { findColumn } from './memory-catalog.js';

/**
 * Name resolution for the schema rules: which tables a DML statement reads or changes, under
 * which aliases, and which catalog column a `t.col` or `col` reference means.
 */

/** A base table named in the statement (FROM, JOIN, UPDATE, DELETE, INSERT INTO). */
export interface Source {
  ref: TableRef;
  alias: string | null;
  /** The schema the table is looked up in: its qualifier, or the review's default. */
  schema: string | undefined;
  /** The catalog's table, when the catalog knows it. */
  table: CatalogTable | undefined;
}

export interface Scope {
  sources: Source[];
  /** Alias or table name (lower-cased) → the source, or null for a derived table or CTE. */
  names: Map<string, Source | null>;
  /** Names given in SELECT lists (`expr AS name`): unqualified references may mean them. */
  selectAliases: Set<string>;
  /** A derived table or CTE is in scope: unqualified columns may come from it. */
  opaque: boolean;
}

export type Resolution =
  | { status: 'found'; source: Source; column: CatalogColumn }
  /** The table is known exactly and has no such column (or, unqualified, no table in scope has it). */
  | { status: 'missing'; source?: Source }
  /** Cannot say: unknown table, derived table, CTE, select alias, partial definition. */
  | { status: 'unknown' };

/** One scope per statement AST, for the catalog and schema it was resolved against (several rules ask). */
const scopeCache = new WeakMap<object, { catalog: Catalog; schema: string | undefined; scope: Scope }>();

/** The tables and aliases of a statement (every SELECT block, subqueries included). */
export function statementScope(ast: AnyAst, catalog: Catalog, schema: string | undefined): Scope {
  const cached = isObject(ast) ? scopeCache.get(ast) : undefined;
  if (cached && cached.catalog === catalog && cached.schema === schema) return cached.scope;
  const scope: Scope = { sources: [], names: new Map(), selectAliases: new Set(), opaque: false };
  const skip = new Set<unknown>();
  walk(ast, (n) => {
    if (skip.has(n)) return false;
    if (n.type === 'values') return false;
    // A multi-table DELETE lists its targets by alias before FROM; the FROM list defines them.
    if (n.type === 'delete' && Array.isArray(n.from) && Array.isArray(n.table)) for (const t of n.table) skip.add(t);
    if (Array.isArray(n.with)) addCtes(scope, n.with);
    if (Array.isArray(n.columns)) addSelectAliases(scope, n.columns);
    if (n.type === 'column_ref') return false;
    if (typeof n.table === 'string' && 'db' in n) addSource(scope, n, catalog, schema);
    else if (isObject(n.expr) && isObject(n.expr.ast) && typeof n.as === 'string') {
      scope.names.set(n.as.toLowerCase(), null);
      scope.opaque = true;
    }
  });
  if (isObject(ast)) scopeCache.set(ast, { catalog, schema, scope });
  return scope;
}

function addCtes(scope: Scope, ctes: unknown[]): void {
  for (const cte of ctes) {
    const name = isObject(cte) && isObject(cte.name) ? cte.name.value : undefined;
    if (typeof name === 'string') scope.names.set(name.toLowerCase(), null);
  }
  scope.opaque = true;
}

function addSelectAliases(scope: Scope, columns: unknown[]): void {
  for (const c of columns) if (isObject(c) && typeof c.as === 'string') scope.selectAliases.add(c.as.toLowerCase());
}

function addSource(scope: Scope, node: Record<string, unknown>, catalog: Catalog, schema: string | undefined): void {
  const table = String(node.table);
  const db = typeof node.db === 'string' && node.db !== '' ? node.db : null;
  const alias = typeof node.as === 'string' && node.as !== '' ? node.as : null;
  // `FROM c` where c is a CTE is not a base table.
  if (!db && scope.names.get(table.toLowerCase()) === null) return;
  const lookIn = db ?? schema;
  const source: Source = {
    ref: { db, table },
    alias,
    schema: lookIn,
    table: lookIn ? catalog.getTable(lookIn, table) : undefined,
  };
  scope.sources.push(source);
  const key = (alias ?? table).toLowerCase();
  if (!scope.names.has(key)) scope.names.set(key, source);
  if (alias && !scope.names.has(table.toLowerCase())) scope.names.set(table.toLowerCase(), source);
}

/** The qualifier of a column reference (`t` in `t.col`), backticked or not. */
export function qualifierOf(ref: Record<string, unknown>): string | null {
  const t = ref.table;
  if (typeof t === 'string' && t !== '') return t;
  if (isObject(t) && typeof t.value === 'string') return t.value;
  return null;
}

/** A WHERE or ON condition with the tables of its own query block (searched first for unqualified columns). */
export interface BlockCondition {
  clause: 'WHERE' | 'ON';
  expr: AstNode;
  /** Lower-cased aliases or names of the block's own FROM / UPDATE tables. */
  local: ReadonlySet<string>;
}

/** WHERE and JOIN … ON conditions of every SELECT, UPDATE and DELETE block, each with its block's tables. */
export function blockConditions(ast: AnyAst): BlockCondition[] {
  const found: BlockCondition[] = [];
  for (const block of queryBlocks(ast)) {
    const items = fromItems(block);
    const local = new Set(
      items.flatMap((i) =>
        typeof i.as === 'string' && i.as
          ? [i.as.toLowerCase()]
          : typeof i.table === 'string'
            ? [i.table.toLowerCase()]
            : [],
      ),
    );
    if (isObject(block.where)) found.push({ clause: 'WHERE', expr: block.where, local });
    for (const item of items) if (isObject(item.on)) found.push({ clause: 'ON', expr: item.on, local });
  }
  return found;
}

/**
 * Which catalog column a column reference means. An unqualified name is looked up first in the
 * tables of its own query block (`local`), then in every table of the statement (outer queries).
 */
export function resolveColumn(scope: Scope, ref: Record<string, unknown>, local?: ReadonlySet<string>): Resolution {
  const name = columnName(ref);
  if (!name || name === '*') return { status: 'unknown' };
  const qualifier = qualifierOf(ref);
  if (qualifier) {
    const source = scope.names.get(qualifier.toLowerCase());
    if (!source?.table || source.table.partial) return { status: 'unknown' };
    const column = findColumn(source.table, name);
    return column ? { status: 'found', source, column } : { status: 'missing', source };
  }
  const ordered = local
    ? [
        ...scope.sources.filter((s) => local.has(sourceKey(s))),
        ...scope.sources.filter((s) => !local.has(sourceKey(s))),
      ]
    : scope.sources;
  for (const source of ordered) {
    const column = source.table && findColumn(source.table, name);
    if (column) return { status: 'found', source, column };
  }
  if (scope.selectAliases.has(name.toLowerCase()) || scope.opaque) return { status: 'unknown' };
  if (scope.sources.length === 0 || scope.sources.some((s) => !s.table || s.table.partial))
    return { status: 'unknown' };
  return { status: 'missing' };
}

function sourceKey(source: Source): string {
  return (source.alias ?? source.ref.table).toLowerCase();
}

/** The catalog table a table reference names (qualifier, else the default schema). */
export function lookupTable(catalog: Catalog, ref: TableRef, schema: string | undefined): CatalogTable | undefined {
  const db = ref.db ?? schema;
  return db ? catalog.getTable(db, ref.table) : undefined;
}

/** Is the column part of any index of the table? Returns the first index using it. */
export function indexUsing(table: CatalogTable, column: string): string | undefined {
  const wanted = column.toLowerCase();
  return table.indexes.find((i) => i.columns.some((c) => c.toLowerCase() === wanted))?.name;
}

const STRING_TYPES: ReadonlySet<string> = new Set([
  'char',
  'varchar',
  'tinytext',
  'text',
  'mediumtext',
  'longtext',
  'enum',
  'set',
]);
const NUMBER_TYPES: ReadonlySet<string> = new Set([
  'tinyint',
  'smallint',
  'mediumint',
  'int',
  'integer',
  'bigint',
  'decimal',
  'numeric',
  'float',
  'double',
  'real',
  'bit',
  'year',
]);

/** String or number (for comparisons), or null for other types (dates, binary, JSON, spatial). */
export function typeClass(column: CatalogColumn): 'string' | 'number' | null {
  if (STRING_TYPES.has(column.dataType)) return 'string';
  if (NUMBER_TYPES.has(column.dataType)) return 'number';
  return null;
}
