import { DelayedError, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Ticket } from '../tickets/ticket.js';
import type { ActiveRun } from './active-runs.js';
import { newToken } from './coordinator.js';
import { causeOf, FencedError, HandBack, isJobStop, JobStop } from './errors.js';
import { refuseForeignJob } from './foreign-job.js';
import type { JobResult, PartInfo, TicketJobKind } from './job-kind.js';
import { noticePeak } from './notices.js';
import { PartJobData } from './queues.js';
import { buildJobContext, workDirName } from './run-context.js';
import type { PartRecord } from './run-rows.js';
import type { RunnerDeps } from './runner-deps.js';
import { publishStop, readStop, type StopRequest } from './stop-channel.js';
import { isTransientMysqlError } from '../db/transient.js';
import { holdFor } from './windows.js';
import { findCluster } from '../config/clusters.js';
import { plainMention } from '../text/mrkdwn.js';

export type PartJobResult = { part: number; state: PartRecord['state'] } | { skipped: string };

/**
 * The processor of a cluster's run queue: one job per part of a ticket run (a ticket that does not
 * decompose is one part). Takes the part with a fresh fencing token, runs the kind's code with a
 * JobContext, and records how it ended. A part that finds the run stopping does not start; a part
 * due inside peak hours waits for the window to end.
 */
export async function processPartJob(job: Job, token: string | undefined, deps: RunnerDeps): Promise<PartJobResult> {
  const data = PartJobData.safeParse(job.data);
  if (!data.success)
    throw new UnrecoverableError(
      `job ${job.id} does not carry a ticket part: ${data.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}`,
    );
  refuseForeignJob(job, data.data, deps);
  const { ticketId, attempt, part: index } = data.data;
  const key = { ticketId, attempt };
  const ticket = await deps.tickets.get(ticketId);
  if (!ticket || ticket.attempt !== attempt || ticket.state !== 'running') {
    await deps.runs
      .skipPart(key, index, deps.clock.now(), `not started: the ticket is ${ticket ? ticket.state : 'gone'}`)
      .catch(() => undefined);
    return { skipped: `T-${ticketId} is ${ticket?.state ?? 'gone'}` };
  }
  const kind = deps.registry.get(job.name);
  if (!kind) throw new UnrecoverableError(deps.registry.missing(job.name));
  const stop = await readStop(deps.redis, deps.keys, ticketId, attempt);
  if (stop) {
    await deps.runs.skipPart(key, index, deps.clock.now(), 'not started: the run was stopping');
    deps.relay.changed(ticket);
    return { skipped: 'the run is stopping' };
  }
  const cluster = findCluster(deps.config, ticket.cluster);
  const payload = kind.payload.safeParse(ticket.payload);
  // Urgent work (a failover) goes on inside peak hours.
  const urgent = payload.success && kind.urgent?.(payload.data) === true;
  const hold = cluster && !urgent ? holdFor({ runAt: null }, cluster, deps.clock.now()) : null;
  if (hold && cluster) {
    await job.moveToDelayed(Date.now() + (hold.until.getTime() - deps.clock.now().getTime()), token);
    if (hold.reason === 'peak')
      await noticePeak(deps, ticket, { ...hold, cluster: ticket.cluster, timezone: cluster.timezone, started: true });
    throw new DelayedError();
  }
  const partToken = newToken();
  const claim = await deps.runs.claimPart(
    { ...key, token: partToken, worker: deps.worker, at: deps.clock.now() },
    index,
  );
  if (!claim.claimed) return { part: index, state: claim.part.state };
  if (claim.takeover) {
    deps.metrics.takeovers.inc({ kind: kind.name });
    // The worker that held it may have died on this host with files of the job (an option file with a password).
    await deps.runDir
      .sweep()
      .catch((err: unknown) => deps.logger.warn('could not sweep the runtime directory', { error: causeOf(err) }));
    const run = await deps.runs.getRun(key);
    const what = run?.partsTotal && run.partsTotal > 1 ? claim.part.label : undefined;
    void deps.relay.takenOver(ticket, {
      worker: deps.worker,
      previous: claim.previousWorker,
      ...(what ? { part: what } : {}),
    });
  }
  return runPart({ job, token, deps, kind, ticket, part: claim.part, partToken });
}

interface PartRun {
  job: Job;
  token: string | undefined;
  deps: RunnerDeps;
  kind: TicketJobKind;
  ticket: Ticket;
  part: PartRecord;
  partToken: string;
}

async function runPart(r: PartRun): Promise<PartJobResult> {
  const { deps, kind, ticket, part, job } = r;
  const key = { ticketId: ticket.id, attempt: ticket.attempt };
  const run = await deps.runs.getRun(key);
  const total = run?.partsTotal ?? 1;
  const info: PartInfo = {
    index: part.index,
    total,
    key: part.key,
    label: part.label,
    ...(part.data ? { data: part.data } : {}),
  };
  const active = deps.active.open(ticket.id, ticket.attempt, part.index);
  const beat = setInterval(() => void heartbeat(deps, ticket, active), deps.heartbeatMs);
  try {
    const multipart = total > 1;
    const ctx = buildJobContext(
      {
        ticket,
        kind: kind.name,
        active,
        unit: { ...key, part: part.index, token: r.partToken },
        job,
        part: info,
        multipart,
      },
      deps,
    );
    const payload = kind.payload.parse(ticket.payload);
    const result: JobResult = kind.parts ? await kind.parts.run(info, payload, ctx) : await kind.process(payload, ctx);
    await deps.runs.finishPart({ ...key, token: r.partToken, at: deps.clock.now() }, part.index, {
      state: 'done',
      result: { summary: String(result.summary), ...(result.details ? { details: result.details } : {}) },
    });
    deps.metrics.parts.inc({ kind: kind.name, outcome: 'done' });
    deps.relay.changed(ticket);
    return { part: part.index, state: 'done' };
  } catch (err) {
    return await partEnded(r, active, err);
  } finally {
    clearInterval(beat);
    deps.active.close(active);
    await deps.runDir
      .remove(workDirName({ ...key, part: part.index, token: r.partToken }))
      .catch((err: unknown) => deps.logger.warn('could not remove a job directory', { error: causeOf(err) }));
  }
}

/** A part that threw: hand it back (shutdown), record it stopped (a stop request) or failed (anything else). */
async function partEnded(r: PartRun, active: ActiveRun, err: unknown): Promise<PartJobResult> {
  const { deps, kind, ticket, part, job } = r;
  const holder = { ticketId: ticket.id, attempt: ticket.attempt, token: r.partToken, at: deps.clock.now() };
  const reason: unknown = active.controller.signal.reason;
  if (err instanceof FencedError) {
    deps.logger.warn('a part was taken over while this worker still ran it; it stops here', {
      ticket: ticket.ref,
      part: part.key,
    });
    return { part: part.index, state: 'running' };
  }
  if (err instanceof HandBack || (isJobStop(reason) && reason.kind === 'shutdown')) {
    await deps.runs.releasePart(holder, part.index);
    await job.moveToWait(r.token);
    deps.metrics.handedBack.inc();
    throw new WaitingError();
  }
  if (isJobStop(reason)) {
    const where = err === reason ? '' : ` (${causeOf(err)})`;
    await deps.runs.finishPart(holder, part.index, { state: 'stopped', error: `${reason.message}${where}` });
    deps.metrics.parts.inc({ kind: kind.name, outcome: 'stopped' });
    deps.relay.changed(ticket);
    return { part: part.index, state: 'stopped' };
  }
  const cause = causeOf(err);
  const retriesLeft = job.attemptsMade + 1 < (job.opts.attempts ?? 1);
  if (retriesLeft && isTransientMysqlError(err)) {
    await deps.runs.releasePart(holder, part.index);
    throw err;
  }
  await deps.runs.finishPart(holder, part.index, { state: 'failed', error: cause });
  deps.metrics.parts.inc({ kind: kind.name, outcome: 'failed' });
  deps.logger.warn('a part of a ticket run failed', { ticket: ticket.ref, part: part.key, error: cause });
  if ((kind.parts?.onFailure ?? 'stop') === 'stop') {
    const request: StopRequest = {
      kind: 'part_failed',
      by: part.label,
      reason: cause,
      at: deps.clock.now().toISOString(),
    };
    await publishStop(deps.redis, deps.keys, ticket.id, ticket.attempt, request).catch(() => undefined);
    deps.active.stop(ticket.id, ticket.attempt, new JobStop('part_failed', `${part.label} failed`));
  }
  deps.relay.changed(ticket);
  throw new UnrecoverableError(cause);
}

/** While a part runs: keep the run's heartbeat fresh and look for a stop request (in case the pub/sub message was missed). */
async function heartbeat(deps: RunnerDeps, ticket: Ticket, active: ActiveRun): Promise<void> {
  try {
    await deps.runs.heartbeat({ ticketId: ticket.id, attempt: ticket.attempt }, deps.clock.now());
    const stop = await readStop(deps.redis, deps.keys, ticket.id, ticket.attempt);
    if (stop && !active.controller.signal.aborted) active.controller.abort(stopOf(stop));
  } catch (err) {
    deps.logger.warn('heartbeat failed', { ticket: ticket.ref, error: causeOf(err) });
  }
}

export function stopOf(request: StopRequest): JobStop {
  return request.kind === 'cancel'
    ? new JobStop('cancel', `stopped on request of ${plainMention(request.by)}`, request.by)
    : new JobStop('part_failed', `stopped because ${request.by} failed`);
}
