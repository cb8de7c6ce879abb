import { randomBytes } from 'node:crypto';
import { DelayedError, UnrecoverableError, WaitingChildrenError, WaitingError, type Job } from 'bullmq';
import { BOT_ACTOR, type Ticket } from '../tickets/ticket.js';
import { causeOf, FencedError, HandBack, isJobStop } from './errors.js';
import { refuseForeignJob } from './foreign-job.js';
import type { JobPart, JobResult, TicketJobKind } from './job-kind.js';
import { noticePeak } from './notices.js';
import { preflight } from './preflight.js';
import { PartJobData, partJobId, runQueueName, TicketJobData } from './queues.js';
import { buildJobContext, workDirName } from './run-context.js';
import { endRun, settleTicket, type RunEnd } from './run-end.js';
import type { RunRecord } from './run-rows.js';
import type { RunnerDeps } from './runner-deps.js';
import { COORDINATOR } from './step-journal.js';
import { readStop } from './stop-channel.js';
import { holdFor } from './windows.js';
import { findCluster } from '../config/clusters.js';

export type TicketJobResult = { outcome: RunRecord['outcome'] } | { skipped: string };

/** Compare-and-set tries to start a ticket that keeps changing under us. */
const START_TRIES = 5;
/** Parts added to the run queue per call. */
const SPAWN_BATCH = 500;

export function newToken(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The processor of the ticket queue: one parent job per ticket attempt. First delivery: wait out
 * the schedule and peak hours, fence the start (approved/scheduled → running by compare-and-set),
 * plan the parts and add one child job per part to the cluster's run queue, then wait for them.
 * Last delivery (all children ended): write the outcome and move the ticket to match. A delivery
 * that finds the run half-way (its worker died) takes it over where the journal says it was.
 */
export async function processTicketJob(
  job: Job,
  token: string | undefined,
  deps: RunnerDeps,
): Promise<TicketJobResult> {
  const data = TicketJobData.safeParse(job.data);
  if (!data.success)
    throw new UnrecoverableError(
      `job ${job.id} does not carry an installation, a ticket id and an attempt: ${data.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')}`,
    );
  refuseForeignJob(job, data.data, deps);
  const ticket = await deps.tickets.get(data.data.ticketId);
  if (!ticket) throw new UnrecoverableError(`job ${job.id}: there is no ticket T-${data.data.ticketId}`);
  if (ticket.attempt !== data.data.attempt) return { skipped: `${ticket.ref} is on attempt ${ticket.attempt} now` };
  if (ticket.state !== 'approved' && ticket.state !== 'scheduled' && ticket.state !== 'running')
    return { skipped: `${ticket.ref} is ${ticket.state}` };
  const kind = deps.registry.get(job.name);
  const cluster = findCluster(deps.config, ticket.cluster);
  const payload = kind?.payload.safeParse(ticket.payload);
  const refusal = !kind
    ? deps.registry.missing(job.name)
    : !cluster
      ? `cluster \`${ticket.cluster}\` is not in dbops.yml`
      : !payload?.success
        ? `its request does not fit the ${kind.name} job: ${payload?.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}`
        : null;
  if (refusal || !kind || !cluster) {
    await endRun(
      deps,
      ticket,
      job.name,
      { outcome: 'failed', summary: `${ticket.ref} could not start: ${refusal}.` },
      null,
    );
    throw new UnrecoverableError(refusal ?? 'refused');
  }
  if (ticket.state !== 'running') {
    const refused = await preflight(deps, ticket);
    if (refused) {
      await endRun(deps, ticket, job.name, refused, null);
      throw new UnrecoverableError(refused.summary);
    }
    const urgent = kind.urgent?.(payload?.data) === true;
    const hold = holdFor(ticket, urgent ? { ...cluster, peak_hours: [] } : cluster, deps.clock.now());
    if (hold) {
      await job.moveToDelayed(Date.now() + (hold.until.getTime() - deps.clock.now().getTime()), token);
      if (hold.reason === 'peak')
        await noticePeak(deps, ticket, {
          ...hold,
          cluster: ticket.cluster,
          timezone: cluster.timezone,
          started: false,
        });
      throw new DelayedError();
    }
  }
  const claimed = await claim(job, ticket, kind, deps);
  if (!claimed) return { skipped: `${ticket.ref} was started by another delivery` };
  return drive({ job, token, deps, kind, payload: payload?.data, ...claimed });
}

interface Claimed {
  ticket: Ticket;
  run: RunRecord;
  runToken: string;
}

/** Fence the run: start the ticket (or find it running) and take the run row with a fresh token. */
async function claim(job: Job, ticket: Ticket, kind: TicketJobKind, deps: RunnerDeps): Promise<Claimed | null> {
  let current = ticket;
  // The bot records the hand-over (approved → scheduled) after queueing the job, so a fast worker
  // may lose its first compare-and-set to that: read again and start from the new state.
  for (let n = 0; n < START_TRIES && current.state !== 'running'; n++) {
    if ((current.state !== 'approved' && current.state !== 'scheduled') || current.attempt !== ticket.attempt)
      return null;
    const started = await deps.tickets.transition({
      ticketId: current.id,
      expect: { state: current.state, version: current.version },
      action: 'start',
      actor: BOT_ACTOR,
      note: { jobId: job.id, worker: deps.worker },
      at: deps.clock.now(),
    });
    if (started.ok) current = started.ticket;
    else if (started.reason === 'conflict' && started.current) current = started.current;
    else return null;
  }
  if (current.state !== 'running' || current.attempt !== ticket.attempt) return null;
  const runToken = newToken();
  const { run, previous } = await deps.runs.claimRun({
    ticketId: current.id,
    attempt: current.attempt,
    jobId: String(job.id),
    kind: kind.name,
    token: runToken,
    worker: deps.worker,
    at: deps.clock.now(),
  });
  if (!previous) {
    void deps.announcer.refresh(current.id).catch(() => undefined);
    await deps.relay
      .ensureStatus(current)
      .catch((err: unknown) =>
        deps.logger.warn('could not post the status message', { ticket: current.ref, error: causeOf(err) }),
      );
    void deps.relay.started(current, deps.worker);
  } else if (previous.phase === 'planning' || previous.phase === 'finishing') {
    deps.metrics.takeovers.inc({ kind: kind.name });
    void deps.relay.takenOver(current, { worker: deps.worker, previous: previous.worker });
  }
  return { ticket: current, run, runToken };
}

interface Drive extends Claimed {
  job: Job;
  token: string | undefined;
  deps: RunnerDeps;
  kind: TicketJobKind;
  payload: unknown;
}

async function drive(d: Drive): Promise<TicketJobResult> {
  const { job, deps, ticket, kind } = d;
  const holder = { ticketId: ticket.id, attempt: ticket.attempt, token: d.runToken };
  let run = d.run;
  if (run.phase === 'finished') {
    // The run ended but its worker stopped before the ticket moved: finish that now.
    if (run.outcome)
      await settleTicket(deps, ticket, {
        outcome: run.outcome,
        summary: run.summary ?? '',
        stop: await readStop(deps.redis, deps.keys, ticket.id, ticket.attempt),
      });
    deps.relay.finished(ticket);
    return { outcome: run.outcome };
  }
  if (run.partsTotal === null) {
    const planned = await plan(d);
    if ('ended' in planned) return { outcome: planned.ended };
    run = planned.run;
  }
  if (run.phase === 'planning') {
    const parts = await deps.runs.parts(holder);
    await spawn(d, kind.parts?.sequential ? parts.slice(0, 1) : parts);
    await deps.runs.setPhase({ ...holder, at: deps.clock.now() }, 'waiting');
  }
  if (!d.token) throw new Error('BullMQ gave the job no lock token');
  if (await job.moveToWaitingChildren(d.token)) throw new WaitingChildrenError();
  // One at a time: the part before has ended, so start the next (or leave the rest not started).
  if (kind.parts?.sequential && (await spawnNext(d)) && (await job.moveToWaitingChildren(d.token)))
    throw new WaitingChildrenError();
  return finish(d);
}

/**
 * A sequential run whose last part ended: add the next pending part, in plan order; true when one was
 * added. After a failure or a stop request the pending parts are recorded as skipped instead.
 */
async function spawnNext(d: Drive): Promise<boolean> {
  const { deps, ticket } = d;
  const key = { ticketId: ticket.id, attempt: ticket.attempt };
  const [parts, stop] = await Promise.all([
    deps.runs.parts(key),
    readStop(deps.redis, deps.keys, ticket.id, ticket.attempt),
  ]);
  const pending = parts.filter((p) => p.state === 'pending');
  if (pending.length === 0) return false;
  const stopsOthers = (d.kind.parts?.onFailure ?? 'stop') === 'stop';
  const ended = parts.find((p) => p.state === 'stopped' || (p.state === 'failed' && stopsOthers));
  if (!stop && !ended) {
    await spawn(d, pending.slice(0, 1));
    return true;
  }
  const why = ended ? `not started: ${ended.label} ${ended.state}` : 'not started: the run was stopping';
  for (const p of pending) await deps.runs.skipPart(key, p.index, deps.clock.now(), why);
  return false;
}

/** Plan the parts once per attempt (a kind without `parts` runs as one part) and record the plan. */
async function plan(d: Drive): Promise<{ run: RunRecord } | { ended: RunRecord['outcome'] }> {
  const { deps, ticket, kind, job } = d;
  const key = { ticketId: ticket.id, attempt: ticket.attempt };
  const stop = await readStop(deps.redis, deps.keys, ticket.id, ticket.attempt);
  if (stop) return end(d, { outcome: 'cancelled', summary: 'Stopped before it began.', stop });
  const active = deps.active.open(ticket.id, ticket.attempt, COORDINATOR);
  try {
    const ctx = buildJobContext(
      { ticket, kind: kind.name, active, unit: { ...key, part: COORDINATOR, token: d.runToken }, job, multipart: true },
      deps,
    );
    const parts: JobPart[] = kind.parts ? await kind.parts.plan(d.payload, ctx) : [{ key: 'main', label: ticket.ref }];
    const duplicate = parts.find((p, i) => parts.findIndex((q) => q.key === p.key) !== i);
    if (duplicate) throw new UnrecoverableError(`the ${kind.name} job planned two parts with the key ${duplicate.key}`);
    await deps.runs.savePlan({ ...key, token: d.runToken, at: deps.clock.now() }, kind.parts?.noun ?? 'parts', parts);
    if (parts.length === 0)
      return end(d, {
        outcome: 'succeeded',
        summary: `Nothing to do: the plan has no ${kind.parts?.noun ?? 'parts'}.`,
      });
    const run = await deps.runs.getRun(key);
    if (!run) throw new Error(`the run of ${ticket.ref} vanished`);
    return { run };
  } catch (err) {
    if (err instanceof FencedError) return { ended: null };
    const reason: unknown = active.controller.signal.reason;
    if (err instanceof HandBack || (isJobStop(reason) && reason.kind === 'shutdown')) {
      await job.moveToWait(d.token);
      throw new WaitingError();
    }
    if (isJobStop(reason) && reason.kind === 'cancel')
      return end(d, {
        outcome: 'cancelled',
        summary: 'Stopped while it was being planned.',
        stop: await readStop(deps.redis, deps.keys, ticket.id, ticket.attempt),
      });
    return end(d, { outcome: 'failed', summary: `planning failed: ${causeOf(err)}` });
  } finally {
    deps.active.close(active);
    await deps.runDir.remove(workDirName({ ...key, part: COORDINATOR, token: d.runToken })).catch(() => undefined);
  }
}

/** One child job per part in the cluster's run queue; ids are stable, so adding them again is a no-op. */
async function spawn(d: Drive, parts: ReadonlyArray<{ index: number }>): Promise<void> {
  const { job, deps, ticket, kind } = d;
  const queueName = runQueueName(deps.ticketQueue, ticket.cluster);
  const options = kind.options ?? {};
  for (let i = 0; i < parts.length; i += SPAWN_BATCH) {
    await deps.flows.addBulk(
      parts.slice(i, i + SPAWN_BATCH).map(({ index }) => ({
        name: kind.name,
        queueName,
        prefix: deps.prefix,
        data: PartJobData.parse({
          installation: deps.installation,
          ticketId: ticket.id,
          attempt: ticket.attempt,
          part: index,
        }),
        opts: {
          jobId: partJobId(deps.installation, ticket.id, ticket.attempt, index),
          parent: { id: String(job.id), queue: job.queueQualifiedName },
          // A failed part does not hold the parent: it finishes once every part has ended, and decides.
          ignoreDependencyOnFailure: true,
          attempts: options.attempts ?? 1,
          ...(options.backoff !== undefined ? { backoff: options.backoff } : {}),
          removeOnComplete: { age: 24 * 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
  }
}

/** Every part has ended: decide the outcome from the parts and the stop request. */
async function finish(d: Drive): Promise<TicketJobResult> {
  const { deps, ticket, kind } = d;
  const key = { ticketId: ticket.id, attempt: ticket.attempt };
  await deps.runs.setPhase({ ...key, token: d.runToken, at: deps.clock.now() }, 'finishing');
  const [parts, stop, run] = await Promise.all([
    deps.runs.parts(key),
    readStop(deps.redis, deps.keys, ticket.id, ticket.attempt),
    deps.runs.getRun(key),
  ]);
  const noun = run?.partNoun ?? 'parts';
  const single = parts.length === 1;
  const failed = parts.filter((p) => p.state === 'failed');
  const unfinished = parts.filter((p) => p.state === 'pending' || p.state === 'running');
  const done = parts.filter((p) => p.state === 'done');
  const counts = `${done.length}/${parts.length} ${noun} done`;
  if (stop?.kind === 'cancel' && done.length < parts.length)
    return end(d, {
      outcome: 'cancelled',
      summary: single ? 'Stopped on request.' : `Stopped on request: ${counts}.`,
      stop,
    }).then(outcomeOf);
  if (failed.length > 0 || unfinished.length > 0) {
    const first = failed[0];
    const why = first
      ? `${single ? '' : `${first.label}: `}${first.error ?? 'failed'}`
      : `${unfinished.length} ${noun} never finished (their worker stopped too often)`;
    const summary = single ? why : `${why} (${counts})`;
    await end(d, { outcome: 'failed', summary, stop });
    throw new UnrecoverableError(summary);
  }
  const results = done.map((p) => ({
    part: { index: p.index, total: parts.length, key: p.key, label: p.label, ...(p.data ? { data: p.data } : {}) },
    result: jobResultOf(p.result),
  }));
  const result: JobResult = single
    ? results[0].result
    : (kind.parts?.summarize?.(results, d.payload) ?? { summary: `${parts.length} ${noun} done.` });
  return end(d, { outcome: 'succeeded', summary: result.summary, details: result.details }).then(outcomeOf);
}

async function end(d: Drive, result: RunEnd): Promise<{ ended: RunRecord['outcome'] }> {
  await endRun(d.deps, d.ticket, d.kind.name, result, { token: d.runToken });
  return { ended: result.outcome };
}

function outcomeOf(ended: { ended: RunRecord['outcome'] }): TicketJobResult {
  return { outcome: ended.ended };
}

function jobResultOf(value: unknown): JobResult {
  if (typeof value === 'object' && value !== null && 'summary' in value && typeof value.summary === 'string') {
    const details =
      'details' in value && typeof value.details === 'object' && value.details !== null && !Array.isArray(value.details)
        ? { details: Object.fromEntries(Object.entries(value.details)) }
        : {};
    return { summary: value.summary, ...details };
  }
  return { summary: 'Done.' };
}
