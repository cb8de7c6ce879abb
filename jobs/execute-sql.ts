import { z } from 'zod';
import { toError } from '../src/kernel/errors.js';
import { defineKind, targetName } from '../src/tickets/kind.js';
import { sqlTouches } from '../src/tickets/protected-targets.js';
import { UnrecoverableError } from 'bullmq';
import type { JobContext, JobResult } from '../src/queue/job-kind.js';
import type { Ticket } from '../src/tickets/ticket.js';
import { plainMention } from '../src/text/mrkdwn.js';
import { poolCredentials } from '../src/execute/credentials.js';
import { runSummary, statementLine } from '../src/execute/messages.js';
import { findTool } from '../src/execute/online-alter.js';
import { runStatements, type RunReport, type RunRequest } from '../src/execute/run.js';

/** `/dbops exec cluster.schema <SQL>` and pasted SQL: statements to run on the target. */
export const SqlChangePayload = z.strictObject({ sql: z.string().min(1) });
export type SqlChangePayload = z.infer<typeof SqlChangePayload>;

/**
 * Run an approved SQL change on the cluster's primary: statements in order, each UPDATE/DELETE
 * backed up in its own transaction, INSERT keys recorded, ALTERs the cheapest safe way (large tables
 * through pt-online-schema-change with a DBA's cut-over); stops at the first error.
 */
export const executeSql = defineKind({
  kind: 'sql-change',
  name: 'execute-sql',
  payload: SqlChangePayload,
  title: (_payload, target) => `SQL change on ${targetName(target)}`,
  sql: (payload) => payload.sql,
  // The target and every schema a statement names are changed.
  touches: (payload, target) => sqlTouches(target, payload.sql, 'write'),
  undoable: true,
  async process(payload, ctx) {
    const { result } = await runTicketSql(
      { sql: payload.sql, purpose: 'change', estimate: ctx.ticket.estimatedRows },
      ctx,
    );
    return result;
  },
});

export type TicketRun = Pick<RunRequest, 'sql' | 'purpose' | 'rollbackOf' | 'expectedRows' | 'estimate'>;

/** Why a DBA's decision lets a change that cannot be backed up run anyway; null when none was made. */
export function unbackedApproval(ticket: Ticket): string | null {
  if (ticket.exception) return 'a DBA granted the ticket an exception';
  const approvers = ticket.approvals.map((a) => plainMention(a.approver));
  return approvers.length > 0 ? `${approvers.join(' and ')} approved it over the review's warning` : null;
}

/**
 * Run a ticket's SQL from a job: statements in order on the cluster's primary, a milestone per
 * statement, progress, Slack's online-ALTER requests, and the result. A ticket that did not finish
 * throws (UnrecoverableError: a retry is a DBA's new attempt) with what ran and what did not.
 */
export async function runTicketSql(run: TicketRun, ctx: JobContext): Promise<{ report: RunReport; result: JobResult }> {
  const { ticket } = ctx;
  const services = ctx.services.execution;
  const pool = ctx.clusters.primary(ticket.cluster);
  const tool = services.channel ? findTool(services.settings.pt_osc.path) : null;
  const report = await runStatements(
    {
      ...run,
      installation: ctx.installation,
      ticketId: ticket.id,
      attempt: ctx.attempt,
      schema: ticket.schema,
      unbackedApproval: unbackedApproval(ticket),
      largeAlterOverride: ticket.exception,
    },
    {
      pool,
      settings: services.settings,
      signal: ctx.signal,
      logger: ctx.logger,
      events: {
        started: async (stmt, total) => {
          await ctx.progress((stmt.number - 1) / total, `statement ${stmt.number}/${total} running`);
          await ctx.log(`statement ${stmt.number}/${total} started`);
        },
        finished: async (result, total) => {
          await ctx.milestone(statementLine(result, total));
          if (result.status === 'done' || result.status === 'already-done')
            await ctx.progress(result.number / total, `statement ${result.number}/${total} done`);
        },
        progress: (fraction, message) => ctx.progress(fraction, message),
        log: (line) => ctx.log(line),
      },
      online: services.channel
        ? {
            tool,
            credentials: () => poolCredentials(pool),
            control: services.channel.oscControl(ticket.id, ctx.attempt),
            pollMs: services.pollMs,
            workDir: () => ctx.workDir(),
          }
        : {
            tool: null,
            credentials: () => poolCredentials(pool),
            control: {
              read: async () => ({ paused: false, cutOver: null }),
              report: async () => undefined,
              leftovers: async () => undefined,
            },
            workDir: () => ctx.workDir(),
          },
      step: (name, options, body) => ctx.step(name, options, body),
    },
  );
  const summary = runSummary(report, ticket.ref, services.settings.backup_schema);
  const backups = report.results.filter((r) => (r.status === 'done' || r.status === 'already-done') && r.backupTable);
  await services.channel
    ?.publish({
      type: 'finished',
      ticketId: ticket.id,
      attempt: ctx.attempt,
      outcome: report.outcome,
      backups: backups.length,
      rows: backups.reduce((s, r) => s + (r.savedRows ?? 0), 0),
    })
    .catch((err: unknown) => ctx.logger.warn('could not announce the end of an execution', toError(err)));
  if (report.outcome !== 'succeeded') {
    if (ctx.signal.aborted) {
      await ctx.milestone(summary).catch(() => undefined);
      ctx.signal.throwIfAborted();
    }
    throw new UnrecoverableError(summary);
  }
  return { report, result: { summary, details: { statements: report.results } } };
}
