import { z } from 'zod';
import { statementScope, type Scope } from '../../catalog/resolve.js';
import { defineRule } from '../../define-rule.js';
import { statementPlan } from '../../explain/statement-plan.js';
import type { ExplainRow } from '../../explain/probe.js';

const EXPLAINED = new Set(['select', 'insert', 'replace', 'update', 'delete']);

export const explainFullScan = defineRule({
  id: 'statement.explain.full-scan',
  severity: 'warning',
  needs: 'server',
  summary: 'EXPLAIN must not show a full scan of a large table',
  why:
    'A full scan reads every row of the table: on a large table the statement is slow, ' +
    'loads the server and, for UPDATE/DELETE, locks many rows it does not change.',
  fix:
    'Filter on an indexed column (the primary key, or a column with an index), or add an ' +
    'index that matches the WHERE clause; check with EXPLAIN that `type` is no longer ALL ' +
    'or index.',
  params: z.strictObject({ min_rows: z.number().int().min(0).default(10000) }),
  async check(ctx) {
    const { stmt, params } = ctx;
    if (!EXPLAINED.has(stmt.kind)) return [];
    const plan = await statementPlan(ctx);
    // A refused DML is reported by the dry run; a refused SELECT here, so the reader knows it was not checked.
    if (plan.status === 'refused' && stmt.kind === 'select')
      return [
        {
          message: `This SELECT was not EXPLAINed on the target, so its plan was not checked: ${plan.reason}.`,
          fragment: stmt.stripped,
          severity: 'notice',
        },
      ];
    if (plan.status !== 'explained') return [];
    const aliases = stmt.ast && ctx.catalog ? statementScope(stmt.ast, ctx.catalog, ctx.schema).names : undefined;
    return plan.plan
      .filter((row) => isFullScan(row) && row.rows >= params.min_rows)
      .map((row) => ({
        message: `EXPLAIN shows a ${row.type === 'ALL' ? 'full table scan' : `full scan of index \`${row.key ?? '?'}\``} of ${tableShown(row.table ?? '?', aliases)}, reading about ${row.rows.toLocaleString('en-US')} rows (limit ${params.min_rows.toLocaleString('en-US')}).`,
        fragment: stmt.stripped,
      }));
  },
});

/** EXPLAIN names a table by its alias: show the table behind it too. */
function tableShown(name: string, aliases: Scope['names'] | undefined): string {
  const source = aliases?.get(name.toLowerCase());
  return source?.alias && source.ref.table !== name ? `\`${source.ref.table}\` (as \`${name}\`)` : `\`${name}\``;
}

/** type ALL (every row) or index (every entry of an index); not derived tables or subquery results (`<derived2>`). */
function isFullScan(row: ExplainRow): boolean {
  if (row.type !== 'ALL' && row.type !== 'index') return false;
  if (row.rowsKnown === false || !row.table || row.table.startsWith('<')) return false;
  return !/^(INSERT|REPLACE)$/i.test(row.selectType ?? '');
}
