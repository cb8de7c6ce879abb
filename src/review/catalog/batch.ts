import type { TableRef } from '../ast.js';
import { droppedTables, renamedTables, tableDdl, targetTable } from '../ast-ddl.js';
import { lex } from '../ddl/lexer.js';
import type { ReviewStatement, StatementKind } from '../types.js';
import type { Catalog } from './catalog.js';
import { statementScope } from './resolve.js';

const TABLE_DDL: ReadonlySet<StatementKind> = new Set(['create-table', 'alter-table', 'drop-table', 'rename-table', 'create-index', 'drop-index']);

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

const touchedCache = new WeakMap<readonly ReviewStatement[], Map<number, Set<string>>>();

/**
 * Names (lower-cased `table` and `schema.table`) of the tables that DDL earlier in the batch
 * creates, alters, drops or renames: the live server does not have them in that shape yet, so
 * EXPLAIN there says nothing about them.
 */
export function touchedEarlier(batch: readonly ReviewStatement[], stmt: ReviewStatement, schema: string | undefined): Set<string> {
  let perStmt = touchedCache.get(batch);
  if (!perStmt) {
    perStmt = new Map();
    touchedCache.set(batch, perStmt);
  }
  const cached = perStmt.get(stmt.index);
  if (cached) return cached;
  const names = new Set<string>();
  for (const other of batch) {
    if (other.index >= stmt.index) break;
    if (!TABLE_DDL.has(other.kind)) continue;
    for (const ref of ddlTables(other)) {
      names.add(ref.table.toLowerCase());
      const db = ref.db ?? schema;
      if (db) names.add(`${db.toLowerCase()}.${ref.table.toLowerCase()}`);
    }
  }
  perStmt.set(stmt.index, names);
  return names;
}

/**
 * Does the statement read or change a table that earlier DDL of the batch touched? From the AST's
 * tables; for a statement the parser could not read, from any word that names such a table.
 */
export function usesTableTouchedEarlier(batch: readonly ReviewStatement[], stmt: ReviewStatement, catalog: Catalog | undefined, schema: string | undefined): boolean {
  const touched = touchedEarlier(batch, stmt, schema);
  if (touched.size === 0) return false;
  if (stmt.ast && catalog) {
    return statementScope(stmt.ast, catalog, schema).sources.some((s) =>
      s.ref.db ? touched.has(`${s.ref.db.toLowerCase()}.${s.ref.table.toLowerCase()}`) : touched.has(s.ref.table.toLowerCase()),
    );
  }
  return lex(stmt.stripped).some((t) => (t.kind === 'word' || t.kind === 'ident') && touched.has((t.kind === 'word' ? t.raw : t.value).toLowerCase()));
}
