import { UnrecoverableError } from 'bullmq';
import type { JobContext, JobResult } from '../queue/job-kind.js';
import type { Ticket } from '../tickets/ticket.js';
import { plainMention } from '../text/mrkdwn.js';
import { poolCredentials } from './credentials.js';
import { runSummary, statementLine } from './messages.js';
import { findTool } from './online-alter.js';
import { runStatements, type RunReport, type RunRequest } from './run.js';
import { toError } from '../kernel/errors.js';

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
