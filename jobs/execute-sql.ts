import { z } from 'zod';
import { toError } from '../src/kernel/errors.js';
import { defineKind, targetName } from '../src/tickets/kind.js';
import { sqlTouches } from '../src/tickets/protected-targets.js';
import { UnrecoverableError } from 'bullmq';
import type { JobContext, JobPart, JobResult, PartInfo } from '../src/queue/job-kind.js';
import { planShards, shardRange } from '../src/execute/shard-plan.js';
import { plural } from '../src/kernel/format.js';
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
  // A change on sharded tables (`orders_{0..511}`, or a logical name of review.shards) runs on each
  // shard as one part, in shard order, and stops at the first shard that fails.
  parts: {
    noun: 'shards',
    sequential: true,
    async plan(payload, ctx): Promise<JobPart[]> {
      const plan = planShards(payload.sql, ctx.services.execution.shards ?? {});
      if ('refusal' in plan) throw new UnrecoverableError(plan.refusal);
      if (!plan.sharded) return [{ key: 'main', label: ctx.ticket.ref }];
      return plan.tables.map((table, shard) => ({ key: table, label: `shard ${table}`, data: { shard } }));
    },
    async run(part, payload, ctx): Promise<JobResult> {
      const shard = ShardPart.safeParse(part.data);
      const run: TicketRun = { sql: payload.sql, purpose: 'change', estimate: ctx.ticket.estimatedRows };
      if (!shard.success) return (await runTicketSql(run, ctx)).result;
      return runShard(run, { ...part, shard: shard.data.shard }, ctx);
    },
    summarize: (results): JobResult => shardsSummary(results),
  },
});

const ShardPart = z.object({ shard: z.number().int().min(0) });
/** What every shard's result carries for the ticket's summary. */
const ShardDetails = z.object({ ref: z.string().default(''), backupSchema: z.string().default('dbops_backup') });

export type TicketRun = Pick<RunRequest, 'sql' | 'purpose' | 'rollbackOf' | 'expectedRows' | 'estimate' | 'shard'>;

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
export async function runTicketSql(
  run: TicketRun,
  ctx: JobContext,
  options: { milestones: 'each' | 'failures'; failure?: (summary: string) => string } = { milestones: 'each' },
): Promise<{ report: RunReport; result: JobResult }> {
  const { ticket } = ctx;
  const services = ctx.services.execution;
  const pool = ctx.clusters.primary(ticket.cluster);
  const tool = services.channel ? findTool(services.settings.pt_osc.path) : null;
  const quiet = options.milestones === 'failures';
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
      // A rollback's SQL names physical tables only; a change may name logical sharded ones.
      ...(run.purpose === 'change' && services.shards ? { shards: services.shards } : {}),
      events: {
        started: async (stmt, total) => {
          await ctx.progress((stmt.number - 1) / total, `statement ${stmt.number}/${total} running`);
          await ctx.log(`statement ${stmt.number}/${total} started`);
        },
        finished: async (result, total) => {
          const line = statementLine(result, total);
          if (!quiet || result.status === 'failed' || result.status === 'cancelled')
            await ctx.milestone(ctx.part && quiet ? `${ctx.part.label}: ${line}` : line);
          else await ctx.log(line);
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
    const failure = options.failure ? options.failure(summary) : summary;
    if (ctx.signal.aborted) {
      await ctx.milestone(failure).catch(() => undefined);
      ctx.signal.throwIfAborted();
    }
    throw new UnrecoverableError(failure);
  }
  return { report, result: { summary, details: { statements: report.results } } };
}

/**
 * One shard of a sharded change: the ticket's statements with the sharded names replaced by this
 * shard's tables. The thread gets a line per statement only when something fails (512 shards × n
 * statements would drown it; the status message counts shards); a failure says which shards ran
 * and which did not.
 */
async function runShard(run: TicketRun, part: PartInfo & { shard: number }, ctx: JobContext): Promise<JobResult> {
  const plan = planShards(run.sql, ctx.services.execution.shards ?? {});
  const tables = 'tables' in plan ? plan.tables : [];
  const { report } = await runTicketSql({ ...run, shard: part.shard }, ctx, {
    milestones: 'failures',
    failure: (summary) => {
      const done = shardRange(tables, 0, part.shard - 1);
      const left = shardRange(tables, part.shard + 1, tables.length - 1);
      return `${summary} Shards done: ${done || 'none'}; not started: ${left || 'none'}.`;
    },
  });
  const rows = report.results.reduce((n, r) => n + (r.affectedRows ?? 0), 0);
  const saved = report.results.reduce((n, r) => n + (r.backupTable ? (r.savedRows ?? 0) : 0), 0);
  const line = `${plural(rows, 'row')} changed${saved > 0 ? ` (${plural(saved, 'row')} saved)` : ''}`;
  if (part.total <= SHARD_MILESTONES)
    await ctx.milestone(`${part.label} done (${part.index + 1}/${part.total}): ${line}`);
  const backupSchema = ctx.services.execution.settings.backup_schema;
  return {
    summary: `${part.label}: ${line}`,
    details: { shard: part.key, rows, saved, ref: ctx.ticket.ref, backupSchema, statements: report.results },
  };
}

/** Up to this many shards, each one's end is a line in the thread; above, the status message counts them. */
const SHARD_MILESTONES = 16;

/** "4 shards done (orders_0 … orders_3): 1,204 rows changed in all; …" from every shard's result. */
function shardsSummary(results: ReadonlyArray<{ part: PartInfo; result: JobResult }>): JobResult {
  const sum = (key: string) =>
    results.reduce((n, r) => n + (typeof r.result.details?.[key] === 'number' ? Number(r.result.details[key]) : 0), 0);
  const { ref, backupSchema } = ShardDetails.parse(results[0]?.result.details ?? {});
  const rows = sum('rows');
  const saved = sum('saved');
  const first = results[0]?.part.key ?? '';
  const last = results[results.length - 1]?.part.key ?? '';
  const span = results.length > 1 ? ` (${first} … ${last})` : '';
  const undo =
    saved > 0 ? `; ${plural(saved, 'row')} saved in ${backupSchema}, undo with \`/dbops rollback ${ref}\`` : '';
  return {
    summary: `${plural(results.length, 'shard')} done${span}: ${plural(rows, 'row')} changed in all${undo}.`,
    details: { shards: results.map((r) => ({ shard: r.part.key, summary: r.result.summary })) },
  };
}
