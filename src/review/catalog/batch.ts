import type { TableRef } from '../ast.js';
import { droppedTables, renamedTables, tableDdl, targetTable } from '../ast-ddl.js';
import { lex } from '../ddl/lexer.js';
import type { ReviewStatement, StatementKind } from '../types.js';
import type { Catalog } from './catalog.js';
import { statementScope } from './resolve.js';

const TABLE_DDL: ReadonlySet<StatementKind> = new Set([
  'create-table',
  'alter-table',
  'drop-table',
  'rename-table',
  'create-index',
  'drop-index',
]);

/** Does any statement of the batch create, change, drop or rename a table? */
export function changesTables(batch: readonly ReviewStatement[]): boolean {
  return batch.some((s) => TABLE_DDL.has(s.kind));
}

/** Tables a DDL statement creates, changes, drops or renames (both names of a rename). */
export function ddlTables(stmt: ReviewStatement): TableRef[] {
  switch (stmt.kind) {
    case 'drop-table':
      return droppedTables(stmt);
    case 'rename-table':
      return renamedTables(stmt).flatMap((r) => [r.from, r.to]);
    case 'create-table':
    case 'alter-table':
    case 'create-index': {
      const ref = tableDdl(stmt)?.table;
      return [...(ref ? [ref] : []), ...renamedTables(stmt).map((r) => r.to)];
    }
    case 'drop-index': {
      const ref = targetTable(stmt);
      return ref ? [ref] : [];
    }
    default:
      return [];
  }
}

const touchedCache = new WeakMap<
  readonly ReviewStatement[],
  { schema: string | undefined; first: Map<string, number> }
>();

/**
 * For each table (lower-cased `table` and `schema.table`) that DDL of the batch creates, alters,
 * drops or renames: the index of the first statement that does. Computed once per batch.
 */
function firstTouches(batch: readonly ReviewStatement[], schema: string | undefined): Map<string, number> {
  const cached = touchedCache.get(batch);
  if (cached && cached.schema === schema) return cached.first;
  const first = new Map<string, number>();
  const note = (name: string, index: number) => {
    if (!first.has(name)) first.set(name, index);
  };
  for (const stmt of batch) {
    if (!TABLE_DDL.has(stmt.kind)) continue;
    for (const ref of ddlTables(stmt)) {
      note(ref.table.toLowerCase(), stmt.index);
      const db = ref.db ?? schema;
      if (db) note(`${db.toLowerCase()}.${ref.table.toLowerCase()}`, stmt.index);
    }
  }
  touchedCache.set(batch, { schema, first });
  return first;
}

/**
 * Was the table (a lower-cased `table` or `schema.table`) created, altered, dropped or renamed by
 * DDL earlier in the batch than `stmt`? The live server does not have it in that shape yet, so
 * EXPLAIN there says nothing about it.
 */
export function touchedEarlier(
  batch: readonly ReviewStatement[],
  stmt: ReviewStatement,
  schema: string | undefined,
  name: string,
): boolean {
  return (firstTouches(batch, schema).get(name) ?? Infinity) < stmt.index;
}

/**
 * Does the statement read or change a table that earlier DDL of the batch touched? From the AST's
 * tables; for a statement the parser could not read, from any word that names such a table.
 */
export function usesTableTouchedEarlier(
  batch: readonly ReviewStatement[],
  stmt: ReviewStatement,
  catalog: Catalog | undefined,
  schema: string | undefined,
): boolean {
  if (firstTouches(batch, schema).size === 0) return false;
  const touched = (name: string) => touchedEarlier(batch, stmt, schema, name);
  if (stmt.ast && catalog) {
    return statementScope(stmt.ast, catalog, schema).sources.some((s) =>
      touched(s.ref.db ? `${s.ref.db.toLowerCase()}.${s.ref.table.toLowerCase()}` : s.ref.table.toLowerCase()),
    );
  }
  return lex(stmt.stripped).some(
    (t) => (t.kind === 'word' || t.kind === 'ident') && touched((t.kind === 'word' ? t.raw : t.value).toLowerCase()),
  );
}
