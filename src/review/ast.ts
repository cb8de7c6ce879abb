import type { AnyAst } from './types.js';

/** Helpers for reading node-sql-parser ASTs, which are loosely typed. */

export interface TableRef {
  db: string | null;
  table: string;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Visit every object node below `node` (depth first). Return false from `visit` to skip children. */
export function walk(node: unknown, visit: (n: Record<string, unknown>) => boolean | void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (!isObject(node)) return;
  if (visit(node) === false) return;
  for (const key in node) {
    const child = node[key];
    if (typeof child === 'object' && child !== null) walk(child, visit);
  }
}

/** Tables a statement names directly (FROM, UPDATE, DELETE, INSERT INTO, CREATE/ALTER/DROP/TRUNCATE). */
export function statementTables(ast: AnyAst): TableRef[] {
  if (!isObject(ast)) return [];
  const lists = [ast.table, ast.name, ast.from];
  const refs: TableRef[] = [];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (isObject(item) && typeof item.table === 'string')
        refs.push({ db: typeof item.db === 'string' ? item.db : null, table: item.table });
    }
  }
  return dedupe(refs);
}

function dedupe(refs: TableRef[]): TableRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const key = `${r.db ?? ''}.${r.table}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function tableName(ref: TableRef): string {
  return ref.db ? `${ref.db}.${ref.table}` : ref.table;
}

/** Column definitions and constraints of a CREATE TABLE. */
export function createDefinitions(ast: AnyAst): Record<string, unknown>[] {
  return isObject(ast) && Array.isArray(ast.create_definitions) ? ast.create_definitions.filter(isObject) : [];
}

export function isCreateTable(ast: AnyAst): boolean {
  return isObject(ast) && ast.type === 'create' && ast.keyword === 'table';
}

/** A `CREATE TABLE … LIKE other` or `… AS SELECT`, whose columns come from elsewhere. */
export function isCreateTableCopy(ast: AnyAst): boolean {
  return isObject(ast) && (Boolean(ast.like) || Boolean(ast.query_expr) || Boolean(ast.as));
}
