import { isObject } from '../ast.js';
import { Cursor, lex } from '../ddl/lexer.js';
import { usesTableTouchedEarlier } from '../catalog/batch.js';
import type { ReviewStatement, RuleContext } from '../types.js';
import { explainableSql } from './estimate.js';
import { dmlAsSelect } from './rewrite.js';
import type { ExplainRow, ServerProbe } from './probe.js';

export type StatementPlan =
  /** EXPLAIN ran (`sql` is what ran: the statement, or the SELECT it was rewritten to). */
  | { status: 'explained'; plan: ExplainRow[]; sql: string; rewritten: boolean }
  /** EXPLAIN failed: the server's message (and code when it was the server that answered). */
  | { status: 'failed'; message: string; code?: string; fromServer: boolean }
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
  const explainable = explainableSql(stmt, server);
  if (!explainable) return { status: 'skipped', reason: 'not a statement EXPLAIN takes' };
  if (usesTableTouchedEarlier(batch, stmt, catalog, schema))
    return { status: 'skipped', reason: 'uses a table changed earlier in the batch' };
  const first = await tryExplain(server, explainable, schema);
  if (first.status !== 'failed' || !WRITE_REFUSED.has(first.code ?? '')) return first;
  // A read-only replica, or an account with only SELECT there, refuses EXPLAIN of a write: explain
  // the SELECT of the rows it would change instead (what servers without EXPLAIN UPDATE get).
  const select = stmt.kind === 'update' || stmt.kind === 'delete' ? dmlAsSelect(stmt.stripped) : null;
  if (!select)
    return { status: 'skipped', reason: `the server does not EXPLAIN writes for this account: ${first.message}` };
  return tryExplain(server, { sql: select, rewritten: true }, schema);
}

/** Errors that mean "not allowed to (explain a) write here", not "this statement is wrong". */
const WRITE_REFUSED: ReadonlySet<string> = new Set([
  'ER_OPTION_PREVENTS_STATEMENT', // --read-only
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_COLUMNACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
  'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION',
]);

async function tryExplain(
  server: ServerProbe,
  explainable: { sql: string; rewritten: boolean },
  schema: string | undefined,
): Promise<StatementPlan> {
  try {
    const plan = await server.explain(explainable.sql, schema);
    return { status: 'explained', plan, ...explainable };
  } catch (err) {
    const fromServer = isObject(err) && 'sqlMessage' in err;
    const code = isObject(err) && typeof err.code === 'string' ? err.code : undefined;
    return { status: 'failed', message: err instanceof Error ? err.message : String(err), code, fromServer };
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
