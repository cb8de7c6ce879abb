import type { RuleContext } from '../types.js';
import { dmlLimit, estimateFromPlan } from './estimate.js';
import { changedTableName, statementPlan } from './statement-plan.js';

/**
 * Rows an UPDATE or DELETE is expected to change, from the server's EXPLAIN (capped by the
 * statement's own LIMIT). Null when there is no server, the statement is not such DML, or EXPLAIN
 * could not tell. The same plan the rules used: EXPLAIN runs once per statement.
 */
export async function estimatedChangedRows(
  ctx: Pick<RuleContext, 'stmt' | 'batch' | 'server' | 'schema' | 'catalog'>,
): Promise<number | null> {
  const { stmt } = ctx;
  if (!ctx.server || (stmt.kind !== 'update' && stmt.kind !== 'delete')) return null;
  const plan = await statementPlan(ctx);
  if (plan.status !== 'explained') return null;
  const estimate = estimateFromPlan(plan.plan, changedTableName(stmt));
  const limit = dmlLimit(stmt.stripped);
  return estimate === null || limit === undefined ? estimate : Math.min(estimate, limit);
}
