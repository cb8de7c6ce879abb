import { quoteIdent } from '../../db/meta.js';
import { describeServerError, isServerError } from '../../db/server-errors.js';
import { isObject } from '../ast.js';
import { Cursor, lex } from '../ddl/lexer.js';
import { usesTableTouchedEarlier } from '../catalog/batch.js';
import type { ReviewStatement, RuleContext } from '../types.js';
import { explainableSql } from './estimate.js';
import { insertQuery } from './rewrite.js';
import { ExplainRefused, type ExplainRow, type ServerProbe } from './probe.js';

export type StatementPlan =
  /** EXPLAIN ran (`sql` is what ran: the statement, or the SELECT it was rewritten to). */
  | { status: 'explained'; plan: ExplainRow[]; sql: string; rewritten: boolean }
  /** EXPLAIN failed: dbops' description of the server's error (never its text), and its code. */
  | { status: 'failed'; message: string; code?: string; fromServer: boolean }
  /** Not sent to the server: dbops cannot prove it harmless before approval (`reason` says why). */
  | { status: 'refused'; reason: string }
  /** Not explained: not a statement EXPLAIN takes, or its tables change earlier in the batch. */
  | { status: 'skipped'; reason: string };

interface Memo {
  server: ServerProbe;
  schema: string | undefined;
  plan: Promise<StatementPlan>;
}

const memo = new WeakMap<object, Memo>();

/**
 * EXPLAIN the statement on the review's server, once however many rules ask (dry run, affected
 * rows, full scan). Skipped when a table it uses is created or changed earlier in the batch: the
 * server does not have it in that shape yet (walk-through checks those statements against the
 * catalog instead).
 */
export function statementPlan(
  ctx: Pick<RuleContext, 'stmt' | 'batch' | 'server' | 'schema' | 'catalog'>,
): Promise<StatementPlan> {
  const { stmt, server, schema } = ctx;
  const cached = memo.get(stmt);
  if (cached && cached.server === server && cached.schema === schema) return cached.plan;
  const plan = explainStatement(ctx);
  if (server) memo.set(stmt, { server, schema, plan });
  return plan;
}

async function explainStatement(
  ctx: Pick<RuleContext, 'stmt' | 'batch' | 'server' | 'schema' | 'catalog'>,
): Promise<StatementPlan> {
  const { stmt, batch, server, schema, catalog } = ctx;
  if (!server) return { status: 'skipped', reason: 'no server' };
  const steps = explainSteps(stmt);
  if (!steps) return { status: 'skipped', reason: 'not a statement EXPLAIN takes' };
  if (usesTableTouchedEarlier(batch, stmt, catalog, schema))
    return { status: 'skipped', reason: 'uses a table changed earlier in the batch' };
  let last: StatementPlan = { status: 'skipped', reason: 'nothing to EXPLAIN' };
  for (const step of steps) {
    last = await tryExplain(server, step, schema, stmt.stripped);
    if (last.status !== 'explained') return last;
  }
  return last;
}

/**
 * What to EXPLAIN for a statement, in order; the plan is the last one's. A SELECT as it is; UPDATE
 * and DELETE as the SELECT of their rows; INSERT and REPLACE as a SELECT of the columns they fill
 * (the server checks the table and columns exist), then the query an INSERT … SELECT reads.
 */
function explainSteps(stmt: ReviewStatement): Array<{ sql: string; rewritten: boolean }> | null {
  if (stmt.kind !== 'insert' && stmt.kind !== 'replace') {
    const explainable = explainableSql(stmt);
    return explainable ? [explainable] : null;
  }
  const columns = insertColumnsQuery(stmt.ast);
  if (!columns) return null;
  const query = insertQuery(stmt.stripped);
  return [{ sql: columns, rewritten: true }, ...(query ? [{ sql: query, rewritten: true }] : [])];
}

/** `SELECT a, b FROM t LIMIT 0` for `INSERT INTO t (a, b) …`, from the parse tree (names quoted by dbops). */
function insertColumnsQuery(ast: unknown): string | null {
  if (!isObject(ast) || (ast.type !== 'insert' && ast.type !== 'replace') || !Array.isArray(ast.table)) return null;
  const target: unknown = ast.table[0];
  if (!isObject(target) || typeof target.table !== 'string') return null;
  const table =
    typeof target.db === 'string' && target.db !== ''
      ? `${quoteIdent(target.db)}.${quoteIdent(target.table)}`
      : quoteIdent(target.table);
  const listed: unknown[] = Array.isArray(ast.columns)
    ? ast.columns
    : Array.isArray(ast.set)
      ? ast.set.map((s) => (isObject(s) ? s.column : undefined))
      : [];
  const names = listed.map((c) =>
    typeof c === 'string' ? c : isObject(c) && typeof c.column === 'string' ? c.column : undefined,
  );
  if (names.some((n) => n === undefined)) return null;
  const columns = names.length > 0 ? names.map((n) => quoteIdent(String(n))).join(', ') : '*';
  return `SELECT ${columns} FROM ${table} LIMIT 0`;
}

async function tryExplain(
  server: ServerProbe,
  explainable: { sql: string; rewritten: boolean },
  schema: string | undefined,
  userText: string,
): Promise<StatementPlan> {
  try {
    const plan = await server.explain(explainable.sql, schema);
    return { status: 'explained', plan, ...explainable };
  } catch (err) {
    if (err instanceof ExplainRefused) return { status: 'refused', reason: err.reason };
    const code = isObject(err) && typeof err.code === 'string' ? err.code : undefined;
    return {
      status: 'failed',
      message: describeServerError(err, { sql: explainable.sql, userText }),
      code,
      fromServer: isServerError(err),
    };
  }
}

/**
 * The table an UPDATE or DELETE changes, as EXPLAIN names it (its alias when it has one); read from
 * the text when the parser could not read the statement.
 */
export function changedTableName(stmt: Pick<ReviewStatement, 'ast' | 'stripped' | 'kind'>): string | undefined {
  const first: unknown = isObject(stmt.ast) && Array.isArray(stmt.ast.table) ? stmt.ast.table[0] : undefined;
  if (isObject(first)) {
    if (typeof first.as === 'string' && first.as !== '') return first.as;
    return typeof first.table === 'string' ? first.table : undefined;
  }
  if (stmt.ast) return undefined;
  const cur = new Cursor(stmt.stripped, lex(stmt.stripped));
  if (stmt.kind === 'update') {
    cur.accept('UPDATE');
    cur.accept('LOW_PRIORITY');
    cur.accept('IGNORE');
  } else {
    while (!cur.done && !cur.accept('FROM')) cur.next();
  }
  const ref = cur.qualifiedName();
  if (!ref) return undefined;
  // `t AS a` / `t a`: EXPLAIN shows the alias.
  cur.accept('AS');
  const alias =
    cur.word() === '' ||
    [
      'SET',
      'WHERE',
      'ORDER',
      'LIMIT',
      'JOIN',
      'INNER',
      'LEFT',
      'RIGHT',
      'CROSS',
      'STRAIGHT_JOIN',
      'USING',
      'PARTITION',
    ].includes(cur.word())
      ? null
      : cur.name();
  return alias ?? ref.table;
}
