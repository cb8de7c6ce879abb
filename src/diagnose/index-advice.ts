import type { Connection, Pool } from 'mysql2/promise';
import { quoteIdent } from '../db/meta.js';
import { readSchema } from '../db/schema/read-schema.js';
import { describeServerError } from '../db/server-errors.js';
import { isObject } from '../review/ast.js';
import { columnName, fromItems, isConstant, type AstNode } from '../review/ast-dml.js';
import { MysqlProbe } from '../review/explain/mysql-probe.js';
import { ExplainRefused, type ExplainRow } from '../review/explain/probe.js';
import { parseStatement } from '../review/parse.js';

/** Columns an index is proposed on, at most (equalities first, then one range). */
const MAX_COLUMNS = 3;
const EQUALITY = new Set(['=', '<=>', 'IN']);
const RANGE = new Set(['<', '>', '<=', '>=', 'BETWEEN', 'LIKE']);

export interface IndexCandidate {
  table: string;
  columns: string[];
}

/**
 * The index a single-table SELECT, UPDATE or DELETE would use: the columns its WHERE compares
 * with constants through AND (equalities first, then the first range). A reason when there is none.
 */
export function indexCandidate(sql: string): IndexCandidate | { why: string } {
  const parsed = parseStatement(sql);
  const ast = Array.isArray(parsed.ast) ? parsed.ast[0] : parsed.ast;
  if (!isObject(ast) || !['select', 'update', 'delete'].includes(String(ast.type)))
    return { why: 'only a SELECT, UPDATE or DELETE that dbops can parse gets index advice' };
  const from = fromItems(ast);
  const table = from[0]?.table;
  if (from.length !== 1 || typeof table !== 'string' || from[0].db)
    return { why: 'index advice covers statements on one table of their own schema' };
  if (!isObject(ast.where)) return { why: 'it has no WHERE: an index cannot narrow it' };
  const equal: string[] = [];
  const range: string[] = [];
  collect(ast.where, equal, range);
  const columns = [...new Set([...equal, ...range.filter((c) => !equal.includes(c)).slice(0, 1)])].slice(
    0,
    MAX_COLUMNS,
  );
  if (columns.length === 0) return { why: 'its WHERE compares no column with a constant' };
  return { table, columns };
}

function collect(expr: AstNode, equal: string[], range: string[]): void {
  if (expr.type !== 'binary_expr') return;
  const op = String(expr.operator).toUpperCase();
  if (op === 'AND') {
    if (isObject(expr.left)) collect(expr.left, equal, range);
    if (isObject(expr.right)) collect(expr.right, equal, range);
    return;
  }
  const column = isObject(expr.left) ? columnName(expr.left) : undefined;
  if (!column || !isConstant(expr.right)) return;
  if (EQUALITY.has(op)) equal.push(column);
  else if (op === 'LIKE' && isObject(expr.right) && String(expr.right.value ?? '').startsWith('%')) return;
  else if (RANGE.has(op)) range.push(column);
}

/** `ALTER TABLE t ADD INDEX idx_a_b (a, b)`, the name cut to MySQL's 64 characters. */
export function addIndexSql(table: string, columns: readonly string[]): string {
  const name = `idx_${columns.join('_')}`.slice(0, 64);
  return `ALTER TABLE ${quoteIdent(table)} ADD INDEX ${quoteIdent(name)} (${columns.map(quoteIdent).join(', ')})`;
}

export type IndexAdvice =
  | { kind: 'add'; table: string; columns: string[]; sql: string; plan: ExplainRow }
  | { kind: 'none'; why: string; plan?: ExplainRow };

export interface AdviceSources {
  /** Schema reads (the table's indexes): the replica's pool. */
  pool: Pool;
  /** EXPLAIN's own session on the replica (db/pools.ts dedicatedReplicaOrPrimary). */
  openSession: () => Promise<Connection>;
}

/**
 * EXPLAIN a digest's sample on the replica (the review's probe: only what dbops proves harmless is
 * sent, read-only and time-limited) and, when it reads the table without an index, propose one.
 */
export async function adviseIndex(sample: string, schema: string, sources: AdviceSources): Promise<IndexAdvice> {
  const candidate = indexCandidate(sample);
  const probe = await MysqlProbe.connect(sources.pool, { openSession: sources.openSession });
  let rows: ExplainRow[];
  try {
    rows = await probe.explain(sample, schema);
  } catch (err) {
    if (err instanceof ExplainRefused) return { kind: 'none', why: `not EXPLAINed: ${err.reason}` };
    return { kind: 'none', why: `EXPLAIN failed: ${describeServerError(err, { sql: sample })}` };
  } finally {
    await probe.close();
  }
  if ('why' in candidate) return { kind: 'none', why: candidate.why, plan: rows[0] };
  const plan = rows.find((r) => r.table === candidate.table) ?? rows[0];
  if (!plan) return { kind: 'none', why: 'EXPLAIN returned no plan' };
  if (plan.key && plan.type !== 'ALL' && plan.type !== 'index')
    return { kind: 'none', why: `EXPLAIN already uses index \`${plan.key}\` (${plan.type})`, plan };
  const { tables } = await readSchema(sources.pool, schema, { tables: [candidate.table], include: { indexes: true } });
  const existing = tables.get(candidate.table)?.indexes.find((i) => i.parts[0]?.column === candidate.columns[0]);
  if (existing)
    return {
      kind: 'none',
      why: `index \`${existing.name}\` already starts with \`${candidate.columns[0]}\` but EXPLAIN does not use it (stale statistics, a type or collation mismatch, or low selectivity): ANALYZE TABLE, then check the types`,
      plan,
    };
  return { kind: 'add', ...candidate, sql: addIndexSql(candidate.table, candidate.columns), plan };
}
