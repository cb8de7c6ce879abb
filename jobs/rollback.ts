import { z } from 'zod';
import { defineKind, targetName } from '../src/tickets/kind.js';
import { sqlTouches } from '../src/tickets/protected-targets.js';
import { UnrecoverableError } from 'bullmq';
import type { Pool } from 'mysql2/promise';
import type { JobContext, JobResult } from '../src/queue/job-kind.js';
import { runTicketSql } from './execute-sql.js';
import { qualified, shown } from '../src/execute/names.js';
import { planRollback, rollbackSql, type RollbackPlan } from '../src/execute/rollback-sql.js';

/** Provisional (a later issue refines it): undo what an earlier ticket did. */
export const RollbackPayload = z.strictObject({ of_ticket: z.number().int().positive(), sql: z.string().min(1) });
export type RollbackPayload = z.infer<typeof RollbackPayload>;

/** Undo an earlier ticket from its before-images in dbops_backup (the SQL the rollback ticket was approved with). */
export const rollback = defineKind({
  kind: 'rollback',
  name: 'rollback',
  payload: RollbackPayload,
  title: (_payload, target) => `Rollback on ${targetName(target)}`,
  sql: (payload) => payload.sql,
  // dbops generated the SQL from its backups and plans it again before it runs: the schemas it names
  // besides the target are reads (the backup tables).
  touches: (payload, target) => sqlTouches(target, payload.sql, 'read'),
  process: (payload, ctx) => runRollback(payload, ctx),
});

/**
 * Run an approved rollback ticket: the SQL must still be what the original ticket's backups call
 * for (the plan is made again and compared), every backup table must still hold its rows, and each
 * restore must change exactly the rows it saved, else it is rolled back with the numbers.
 */
export async function runRollback(payload: { of_ticket: number; sql: string }, ctx: JobContext): Promise<JobResult> {
  const pool = ctx.clusters.primary(ctx.ticket.cluster);
  const scope = { backupSchema: ctx.services.execution.settings.backup_schema, installation: ctx.installation };
  const plan = await planRollback(pool, scope, payload.of_ticket);
  if (plan.rolledBackBy !== null && plan.rolledBackBy !== ctx.ticket.id) {
    throw new UnrecoverableError(
      `T-${payload.of_ticket} was already rolled back by T-${plan.rolledBackBy}; nothing was run.`,
    );
  }
  if (normalise(rollbackSql(plan)) !== normalise(payload.sql)) {
    throw new UnrecoverableError(
      `the backups of T-${payload.of_ticket} no longer match this rollback's SQL (its execution log changed since the rollback was opened); open a new rollback with \`/dbops rollback T-${payload.of_ticket}\`. Nothing was run.`,
    );
  }
  await checkBackups(pool, plan);
  const expectedRows = Object.fromEntries(plan.steps.map((step, i) => [i + 1, step.rows]));
  const { result } = await runTicketSql(
    { sql: payload.sql, purpose: 'rollback', rollbackOf: payload.of_ticket, expectedRows, estimate: plan.rows },
    ctx,
  );
  return { summary: `Rolled back T-${payload.of_ticket}: ${result.summary}`, details: result.details };
}

async function checkBackups(pool: Pool, plan: RollbackPlan): Promise<void> {
  for (const step of plan.steps) {
    let rows: number;
    try {
      const [result] = await pool.query(`SELECT COUNT(*) AS n FROM ${qualified(step.backup)}`);
      rows =
        Array.isArray(result) && result[0] && typeof result[0] === 'object' && 'n' in result[0]
          ? Number(result[0].n)
          : NaN;
    } catch {
      throw new UnrecoverableError(
        `the backup table ${shown(step.backup)} of statement ${step.statement} is gone; nothing was run.`,
      );
    }
    if (rows !== step.rows)
      throw new UnrecoverableError(
        `the backup table ${shown(step.backup)} holds ${rows} rows where ${step.rows} were saved; it was changed by hand, so nothing was run.`,
      );
  }
}

function normalise(sql: string): string {
  return sql.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim();
}
