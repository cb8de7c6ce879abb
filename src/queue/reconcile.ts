import type { Queue } from 'bullmq';
import type { DbopsConfig } from '../config/schema.js';
import { section } from '../text/blocks.js';
import { formatInZone, startTime } from '../tickets/run-time.js';
import { BOT_ACTOR, type Ticket } from '../tickets/ticket.js';
import { causeOf } from './errors.js';
import { ticketJobId, type TicketQueue } from './queues.js';
import { preflight } from './preflight.js';
import { endRun, settleTicket } from './run-end.js';
import type { RunnerDeps } from './runner-deps.js';
import { readStop } from './stop-channel.js';
import { findCluster } from '../config/clusters.js';

export interface ReconcileDeps
  extends Pick<
    RunnerDeps,
    | 'installation'
    | 'runs'
    | 'tickets'
    | 'relay'
    | 'announcer'
    | 'metrics'
    | 'clock'
    | 'logger'
    | 'redis'
    | 'keys'
    | 'gate'
    | 'protection'
    | 'alerts'
  > {
  /** Where ticket jobs are queued, and the BullMQ queue to look them up in. */
  queue: TicketQueue & { queue: Queue };
  config: Pick<DbopsConfig, 'clusters'>;
  /** A running ticket whose job is gone is left alone while its heartbeat is younger than this. */
  staleAfterMs: number;
}

export interface ReconcileReport {
  /** Approved or scheduled tickets whose job was missing, queued again. */
  requeued: number[];
  /** Running tickets whose job was gone, now failed (or ended as their run had). */
  ended: number[];
  /** Scheduled tickets whose job had failed before starting, and tickets refused before being queued again, now failed. */
  failed: number[];
}

const BATCH = 500;
const FRESH_APPROVAL_MS = 30_000;

/**
 * Make the queue agree with the tickets, which live in MySQL and are the truth (Redis may have been
 * wiped): approved and scheduled tickets without a job are queued again; running tickets whose job
 * is gone, and whose workers went quiet, are ended with an explanation. Safe to run at any time and
 * from several processes at once: job ids and state changes are idempotent.
 */
export async function reconcile(deps: ReconcileDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { requeued: [], ended: [], failed: [] };
  for (const ticket of await deps.tickets.list({ states: ['approved', 'scheduled'], order: 'oldest', limit: BATCH })) {
    await waiting(deps, ticket, report).catch((err: unknown) =>
      deps.logger.warn('reconcile: could not check a waiting ticket', { ticket: ticket.ref, error: causeOf(err) }),
    );
  }
  for (const ticket of await deps.tickets.list({ states: ['running'], order: 'oldest', limit: BATCH })) {
    await running(deps, ticket, report).catch((err: unknown) =>
      deps.logger.warn('reconcile: could not check a running ticket', { ticket: ticket.ref, error: causeOf(err) }),
    );
  }
  await deps.relay
    .sweep()
    .catch((err: unknown) => deps.logger.warn('reconcile: could not sweep final messages', { error: causeOf(err) }));
  if (report.requeued.length + report.ended.length + report.failed.length > 0)
    deps.logger.info('reconciled tickets with the queue', { ...report });
  return report;
}

async function waiting(deps: ReconcileDeps, ticket: Ticket, report: ReconcileReport): Promise<void> {
  // A ticket approved a moment ago is being handed over by the bot right now: leave it to the bot.
  if (ticket.state === 'approved' && deps.clock.now().getTime() - ticket.updatedAt.getTime() < FRESH_APPROVAL_MS)
    return;
  const jobId = ticketJobId(deps.installation, ticket.id, ticket.attempt);
  const state = await deps.queue.queue.getJobState(jobId);
  if (state === 'failed') {
    const job = await deps.queue.queue.getJob(jobId);
    if (ticket.state !== 'scheduled') return;
    await endRun(
      deps,
      ticket,
      'unknown',
      {
        outcome: 'failed',
        summary: `${ticket.ref} could not start: its job failed (${job?.failedReason ?? 'no reason recorded'}).`,
      },
      null,
    );
    report.failed.push(ticket.id);
    return;
  }
  if (state !== 'unknown' && state !== 'completed') return;
  // A ticket the bot never queued may have been set to approved in the database by hand.
  const refused = await preflight(deps, ticket);
  if (refused) {
    await endRun(deps, ticket, ticket.about.job, refused, null);
    report.failed.push(ticket.id);
    return;
  }
  const now = deps.clock.now();
  const cluster = findCluster(deps.config, ticket.cluster);
  const startAt = cluster ? startTime(ticket.runAt, now, cluster) : now;
  if (state === 'completed') await deps.queue.queue.remove(jobId).catch(() => 0);
  await deps.queue.enqueueTicket(ticket, ticket.attempt, { delayMs: startAt.getTime() - now.getTime() });
  if (ticket.state === 'approved') {
    await deps.tickets.transition({
      ticketId: ticket.id,
      expect: { state: 'approved', version: ticket.version },
      action: 'enqueue',
      actor: BOT_ACTOR,
      note: { jobId, startAt: startAt.toISOString(), reconciled: true },
      at: now,
    });
  }
  report.requeued.push(ticket.id);
  const when =
    startAt.getTime() > now.getTime() + 1000 && cluster
      ? `; it may start at ${formatInZone(startAt, cluster.timezone)}`
      : '';
  const text = `:arrows_counterclockwise: ${ticket.ref} was ${ticket.state}, but its job was not in the queue (Redis lost it, or it was never handed over); it is queued again${when}. It runs once: its state in the database fences it.`;
  await deps.relay.milestone(ticket, { text, blocks: [section(text)] });
}

async function running(deps: ReconcileDeps, ticket: Ticket, report: ReconcileReport): Promise<void> {
  const jobId = ticketJobId(deps.installation, ticket.id, ticket.attempt);
  const state = await deps.queue.queue.getJobState(jobId);
  if (state !== 'unknown' && state !== 'completed' && state !== 'failed') return;
  const key = { ticketId: ticket.id, attempt: ticket.attempt };
  const run = await deps.runs.getRun(key);
  const lastSign = run?.heartbeatAt ?? ticket.updatedAt;
  if (deps.clock.now().getTime() - lastSign.getTime() < deps.staleAfterMs) return;
  if (run?.outcome) {
    // The run ended but the ticket never moved (its worker stopped in between): finish the move.
    await settleTicket(deps, ticket, {
      outcome: run.outcome,
      summary: run.summary ?? '',
      stop: await readStop(deps.redis, deps.keys, ticket.id, ticket.attempt).catch(() => null),
    });
    deps.relay.finished(ticket);
    report.ended.push(ticket.id);
    return;
  }
  const job = state === 'failed' ? await deps.queue.queue.getJob(jobId) : undefined;
  const why =
    state === 'failed'
      ? `its job failed (${job?.failedReason ?? 'no reason recorded'})`
      : 'its job vanished from the queue (Redis was emptied or lost its data)';
  const summary = `${ticket.ref} was running, but ${why}, and no worker has reported on it since ${lastSign.toISOString()}. dbops cannot tell how far it got, so it is marked failed; the steps it recorded are listed below.`;
  await endRun(deps, ticket, run?.kind ?? 'unknown', { outcome: 'failed', summary }, null);
  report.ended.push(ticket.id);
}
