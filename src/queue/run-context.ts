import type { Job } from 'bullmq';
import type { InstallationId } from '../db/installation.js';
import type { RuntimeDir } from '../config/runtime-dir.js';
import type { Logger } from '../kernel/logger.js';
import type { Metrics } from '../metrics.js';
import { section } from '../text/blocks.js';
import { plainToMrkdwn } from '../text/mrkdwn.js';
import type { Clock } from '../tickets/service.js';
import type { Ticket } from '../tickets/ticket.js';
import { abortForShutdown, type ActiveRun } from './active-runs.js';
import { causeOf, FencedError, HandBack, InterruptedStepError, StepMismatchError } from './errors.js';
import type { ClusterAccess, JobContext, JobServices, PartInfo, StepOptions } from './job-kind.js';
import type { RunReporter } from './run-reporter.js';
import type { RunStore } from './run-store.js';
import type { StepJournal, StepUnit } from './step-journal.js';
import { backoffDelay, isTransientMysqlError, sleep, type Backoff } from '../db/transient.js';

export interface ContextDeps {
  /** This installation, handed to the kinds' code as `ctx.installation`. */
  installation: InstallationId;
  runs: RunStore;
  journal: StepJournal;
  relay: RunReporter;
  clusters: ClusterAccess;
  /** Handed to the kinds' code as `ctx.services`. */
  services: JobServices;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** This process's runtime directory: jobs' files that may hold a secret. */
  runDir: RuntimeDir;
  /** Tries of an idempotent step after a transient MySQL error, and the wait between them. */
  retries: { tries: number; backoff: Backoff };
}

export interface ContextInput {
  ticket: Ticket;
  kind: string;
  active: ActiveRun;
  unit: StepUnit;
  job: Job;
  part?: PartInfo;
  /** The ticket runs as several parts: progress is counted in parts, a part's message is prefixed with its label. */
  multipart: boolean;
}

/** The JobContext a kind's code receives: journaled steps, progress to the thread, the abort signal. */
export function buildJobContext(input: ContextInput, deps: ContextDeps): JobContext {
  const { ticket, active, job, part, multipart } = input;
  const key = { ticketId: ticket.id, attempt: ticket.attempt };
  const logger = deps.logger.child({
    ticket: ticket.ref,
    attempt: ticket.attempt,
    ...(part ? { part: part.key } : {}),
  });
  const prefix = multipart && part ? `${part.label}: ` : '';
  return {
    ticket,
    attempt: ticket.attempt,
    installation: deps.installation,
    clusters: deps.clusters,
    services: deps.services,
    signal: active.controller.signal,
    logger,
    ...(part ? { part } : {}),
    workDir: () => deps.runDir.dir(workDirName(input.unit)),
    async progress(fraction, message) {
      await deps.runs.setProgress(key, multipart ? null : fraction, `${prefix}${message}`);
      deps.relay.changed(ticket);
    },
    async log(line) {
      await job.log(`${prefix}${line}`).catch(() => undefined);
      await deps.runs.appendLog(key, `${prefix}${line}`);
      deps.relay.changed(ticket);
    },
    async milestone(text) {
      const shown = plainToMrkdwn(text); // plain text from the job (it may quote SQL, names, server errors)
      await deps.relay.milestone(ticket, {
        text: `${ticket.ref}: ${shown}`,
        blocks: [section(`${ticket.ref} · ${shown}`)],
      });
    },
    attach: (file) => deps.relay.attach(ticket, file),
    step: createStep(input, deps, logger),
  };
}

/** The name of a unit's directory in the runtime directory: `T-42-a1-p0`, `T-42-a1-plan`. */
export function workDirName(unit: StepUnit): string {
  return `T-${unit.ticketId}-a${unit.attempt}-${unit.part < 0 ? 'plan' : `p${unit.part}`}`;
}

/**
 * `ctx.step`: journal the step as started, run it, journal it as done with its (JSON) result. A step
 * done before returns its recorded result; an idempotent step interrupted before runs again; a
 * non-idempotent one does not (InterruptedStepError). Inside an idempotent step, transient MySQL
 * errors are tried again with backoff; anything else fails at once.
 */
function createStep(input: ContextInput, deps: ContextDeps, logger: Logger): JobContext['step'] {
  const { active, unit, ticket } = input;
  const now = () => deps.clock.now();
  return async function step<T>(name: string, options: StepOptions, run: () => Promise<T>): Promise<T> {
    if (active.handingBack) throw new HandBack();
    active.controller.signal.throwIfAborted();
    const start = await deps.journal.begin(unit, name, options.idempotent, now(), options.fingerprint ?? null);
    if (!start.run) {
      if ('mismatch' in start) throw new StepMismatchError(name, ticket.ref);
      if ('interrupted' in start) throw new InterruptedStepError(name, ticket.ref, await inspect(options, logger));
      return start.result as T;
    }
    active.current = { name, idempotent: options.idempotent };
    if (active.handingBack && options.idempotent) abortForShutdown(active);
    try {
      const result = await withRetries(name, options.idempotent, run, input, deps, logger);
      await deps.journal.end(unit, name, now(), { ok: true, result: result ?? null });
      return result;
    } catch (err) {
      if (!(err instanceof FencedError))
        await deps.journal.end(unit, name, now(), { ok: false, error: causeOf(err) }).catch(() => undefined);
      throw err;
    } finally {
      active.current = null;
    }
  };
}

/** What the kind finds an interrupted step left; null when it cannot tell. */
async function inspect(options: StepOptions, logger: Logger): Promise<string | null> {
  try {
    return (await options.interrupted?.()) ?? null;
  } catch (err) {
    logger.warn('could not look at what an interrupted step left', { error: causeOf(err) });
    return null;
  }
}

async function withRetries<T>(
  name: string,
  idempotent: boolean,
  run: () => Promise<T>,
  input: ContextInput,
  deps: ContextDeps,
  logger: Logger,
): Promise<T> {
  const signal = input.active.controller.signal;
  for (let n = 1; ; n++) {
    try {
      return await run();
    } catch (err) {
      if (signal.aborted || !idempotent || !isTransientMysqlError(err) || n > deps.retries.tries) throw err;
      const wait = backoffDelay(n, deps.retries.backoff);
      deps.metrics.stepRetries.inc({ kind: input.kind });
      logger.warn('transient MySQL error in an idempotent step; trying again', {
        step: name,
        try: n,
        waitMs: wait,
        error: causeOf(err),
      });
      await sleep(wait, signal);
    }
  }
}
