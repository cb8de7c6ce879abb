import { isObject } from '../ast.js';
import { Cursor, lex } from '../ddl/lexer.js';
import type { ReviewStatement } from '../types.js';

/** Schema names out of USE, CREATE DATABASE and DROP DATABASE statements. */

/** The schema a `USE x` statement switches to. */
export function useTarget(stripped: string): string | undefined {
  const match = /^use\s+(`(?:[^`]|``)+`|[^\s;`]+)/i.exec(stripped);
  if (!match) return undefined;
  const raw = match[1];
  return raw.startsWith('`') ? raw.slice(1, -1).replaceAll('``', '`') : raw;
}

/** The database of a CREATE/DROP DATABASE statement. */
export function databaseName(ast: unknown): string | undefined {
  if (!isObject(ast) || (ast.keyword !== 'database' && ast.keyword !== 'schema')) return undefined;
  if (typeof ast.name === 'string') return ast.name;
  const database = ast.database ?? ast.schema;
  if (typeof database === 'string') return database;
  if (isObject(database) && Array.isArray(database.schema)) {
    const first: unknown = database.schema[0];
    if (isObject(first) && typeof first.value === 'string') return first.value;
  }
  return undefined;
}

/** The database a CREATE DATABASE / CREATE SCHEMA creates. */
export function createdDatabase(stmt: ReviewStatement): string | null {
  const fromAst = databaseName(stmt.ast);
  if (fromAst) return fromAst;
  const cur = new Cursor(stmt.stripped, lex(stmt.stripped));
  cur.accept('CREATE');
  if (!cur.accept('DATABASE')) cur.accept('SCHEMA');
  cur.accept('IF', 'NOT', 'EXISTS');
  return cur.name();
}
