import { createHash } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { poolCredentials } from '../src/execute/credentials.js';
import { messageOf } from '../src/kernel/errors.js';
import type { JobContext, JobResult } from '../src/queue/job-kind.js';
import { executableProblem } from '../src/runbooks/catalog.js';
import { checkValues } from '../src/runbooks/params.js';
import { type RunbookOutcome, runRunbook } from '../src/runbooks/run.js';
import { code, section, truncate } from '../src/text/blocks.js';
import { formatDuration } from '../src/text/duration.js';
import { defineKind, targetName } from '../src/tickets/kind.js';
import { runbookApprovals } from '../src/tickets/policy.js';

/**
 * `/dbops run <runbook> [param=value …]`: which runbook of dbops.yml, with the values checked when the
 * ticket was opened (text: ints and durations as whole numbers). Ids and values only: the script's
 * connection and secrets are the worker's.
 */
export const RunbookPayload = z.strictObject({
  runbook: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  params: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/), z.string().max(4000)),
});
export type RunbookPayload = z.infer<typeof RunbookPayload>;

/**
 * Run a DBA's script (src/runbooks/): argv only, a clean environment, the target's connection in a
 * 0600 option file; its output streams to the thread, its log is attached, its exit code decides.
 * Approvals: the runbook's own for the target's environment, else policy.approvals.
 */
export const runbook = defineKind({
  kind: 'runbook',
  name: 'runbook',
  payload: RunbookPayload,
  title: (payload, target) => `Runbook ${payload.runbook} on ${targetName(target)}`,
  details: (payload) => runbookDetailBlocks(payload),
  approvals: (payload, environment, config) => {
    const declared = config.runbooks.find((r) => r.name === payload.runbook);
    // A runbook no longer in dbops.yml cannot run; until the job says so, it needs a DBA at least.
    if (!declared) return Math.max(1, config.policy.approvals[environment] ?? 1);
    return runbookApprovals(declared, environment, config.policy);
  },
  // The schema it is pointed at (a table's or a schema param's) counts as changed: a runbook may write there.
  touches: (_payload, target) => ({
    touches: target.schema ? [{ cluster: target.cluster, schema: target.schema, access: 'write' }] : [],
    opaque: [],
  }),
  process: (payload, ctx) => runRunbookJob(payload, ctx),
});

/** The approval card's and the requester's account of a run: the runbook and each value. */
export function runbookDetailBlocks(payload: RunbookPayload): KnownBlock[] {
  const values = Object.entries(payload.params).map(
    ([name, value]) => `• ${code(name)} = ${value === '' ? '_(empty)_' : code(value)}`,
  );
  const lines = [`*Runbook* ${code(payload.runbook)}`, ...(values.length > 0 ? values : ['_no params_'])];
  return [section(truncate(lines.join('\n'), 2900))];
}

/** Lines of output the status message shows while the script runs. */
const STATUS_LINES = 5;

/**
 * Run a runbook ticket: check the runbook and its values again against this worker's dbops.yml,
 * run the script once (a step: a non-idempotent runbook cut short by a dead worker is not run
 * again), stream its last lines and progress to the status message, attach the full log, and let
 * the exit code decide.
 */
async function runRunbookJob(request: RunbookPayload, ctx: JobContext): Promise<JobResult> {
  const services = ctx.services.runbooks;
  if (!services) throw new UnrecoverableError('this worker runs no runbooks (it was started without them)');
  const runbook = services.runbooks.find((r) => r.name === request.runbook);
  if (!runbook)
    throw new UnrecoverableError(
      `runbook ${request.runbook} is not in this worker's dbops.yml (it was removed or renamed since ${ctx.ticket.ref} was opened)`,
    );
  const problem = executableProblem(runbook);
  if (problem) throw new UnrecoverableError(`${problem} on this worker`);
  const checked = checkValues(runbook, request.params, services.clusters);
  if (!checked.ok)
    throw new UnrecoverableError(
      `the values of ${ctx.ticket.ref} no longer fit runbook ${runbook.name} as this worker's dbops.yml declares it: ${checked.problems.join('; ')}`,
    );
  const { target } = checked.params;
  if (target.cluster !== ctx.ticket.cluster)
    throw new UnrecoverableError(
      `${ctx.ticket.ref} is on ${ctx.ticket.cluster}, but its values name ${target.cluster}`,
    );
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([runbook.run, checked.params.values]))
    .digest('hex');
  return ctx.step(
    'run',
    {
      idempotent: runbook.idempotent,
      fingerprint,
      interrupted: async () =>
        `runbook ${runbook.name} was running when its worker stopped, and it is not declared idempotent, so dbops does not run it again: it may have done part of its work on ${target.cluster}; look there before running it again.`,
    },
    async () => {
      const stream = new OutputStream(ctx, services.flushMs ?? 1000);
      let outcome: RunbookOutcome;
      try {
        outcome = await runRunbook({
          runbook,
          params: checked.params,
          connection: poolCredentials(ctx.clusters.primary(target.cluster)),
          replicas: services.clusters[target.cluster].replicas.map((r) => `${r.host}:${r.port}`),
          ticketRef: ctx.ticket.ref,
          secretEnv: Object.fromEntries(runbook.secrets.map((name) => [name, services.env[name] ?? ''])),
          secrets: services.secrets,
          workDir: await ctx.workDir(),
          signal: ctx.signal,
          reporter: stream,
          killGraceMs: services.killGraceMs,
          onStart: (pid) => ctx.logger.info('runbook started', { runbook: runbook.name, pid }),
        });
      } finally {
        await stream.close();
      }
      const took = formatDuration(Math.round(outcome.durationMs / 1000));
      await ctx.attach({
        filename: `${ctx.ticket.ref}-${runbook.name}.log`,
        title: `${ctx.ticket.ref}: ${runbook.name} output (${outcome.lines} line${outcome.lines === 1 ? '' : 's'}, ${ending(outcome)})`,
        content: outcome.log || '(no output)\n',
      });
      ctx.logger.info('runbook ended', {
        runbook: runbook.name,
        exitCode: outcome.exitCode,
        signal: outcome.exitSignal,
        stoppedBy: outcome.stoppedBy,
        lines: outcome.lines,
        ms: outcome.durationMs,
      });
      if (outcome.stoppedBy === 'cancel') ctx.signal.throwIfAborted();
      if (outcome.stoppedBy === 'timeout')
        throw new UnrecoverableError(
          `${runbook.name} ran past its timeout of ${formatDuration(runbook.timeout)}: the script and what it started were stopped${lastLines(outcome)}`,
        );
      if (!outcome.ok)
        throw new UnrecoverableError(`${runbook.name} failed (${ending(outcome)}) after ${took}${lastLines(outcome)}`);
      return {
        summary: `${runbook.name} finished (exit 0) in ${took}: ${outcome.lines} line${outcome.lines === 1 ? '' : 's'} of output, attached in the thread`,
        details: { runbook: runbook.name, exitCode: 0, lines: outcome.lines, ms: outcome.durationMs },
      };
    },
  );
}

function ending(outcome: RunbookOutcome): string {
  if (outcome.stoppedBy === 'timeout') return 'stopped at its timeout';
  if (outcome.stoppedBy === 'cancel') return 'cancelled';
  return outcome.exitCode !== null ? `exit ${outcome.exitCode}` : `killed by ${outcome.exitSignal}`;
}

function lastLines(outcome: RunbookOutcome): string {
  const tail = outcome.tail.slice(-3).join(' / ');
  return tail ? `; last output: ${tail.slice(0, 600)}` : '';
}

/**
 * The script's output on its way to the ticket: lines and progress are gathered and handed to the
 * runner at most once per `flushMs` (the last lines show in the status message, whose edits the
 * runner throttles again), so a chatty script costs a few writes a second, not one per line.
 */
class OutputStream {
  private lines: string[] = [];
  private progressed: { fraction: number; message: string } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: Pick<JobContext, 'log' | 'progress' | 'logger'>,
    private readonly flushMs: number,
  ) {}

  line(stream: 'stdout' | 'stderr', text: string): void {
    this.lines.push(stream === 'stderr' ? `stderr: ${text}` : text);
    if (this.lines.length > STATUS_LINES) this.lines.shift();
    this.schedule();
  }

  progress(fraction: number, message: string): void {
    this.progressed = { fraction, message };
    this.schedule();
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushMs);
  }

  private flush(): Promise<void> {
    const lines = this.lines;
    const progressed = this.progressed;
    this.lines = [];
    this.progressed = null;
    this.flushing = this.flushing.then(async () => {
      try {
        if (progressed) await this.ctx.progress(progressed.fraction, progressed.message || 'running');
        for (const line of lines) await this.ctx.log(line);
      } catch (err) {
        this.ctx.logger.warn('could not relay runbook output', {
          error: messageOf(err),
        });
      }
    });
    return this.flushing;
  }
}
