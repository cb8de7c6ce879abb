import type { RaiseAlert } from '../monitor/alert-service.js';
import { ticketFailedAlert, ticketFailedKey } from './ticket-alerts.js';
import { section } from '../text/blocks.js';
import { plainToMrkdwn } from '../text/mrkdwn.js';
import type { TicketAction } from '../tickets/state-machine.js';
import { BOT_ACTOR, type Ticket } from '../tickets/ticket.js';
import type { RunOutcome } from './run-rows.js';
import type { RunnerDeps } from './runner-deps.js';
import type { StopRequest } from './stop-channel.js';
import { toError } from '../kernel/errors.js';

type EndDeps = Pick<
  RunnerDeps,
  'runs' | 'tickets' | 'relay' | 'announcer' | 'metrics' | 'clock' | 'logger' | 'alerts' | 'catalogVersions'
>;

export interface RunEnd {
  outcome: RunOutcome;
  summary: string;
  details?: Record<string, unknown>;
  /** The stop request that ended it, when one did (a cancel names who asked). */
  stop?: StopRequest | null;
  /** A failure's alert, when it is not the usual "ticket job failed" one. */
  alert?: RaiseAlert;
}

const ACTION: Record<RunOutcome, TicketAction> = { succeeded: 'succeed', failed: 'fail', cancelled: 'cancel' };
const CAS_TRIES = 4;

/**
 * The end of a run, in order: the run row (the holder's fenced write, or a forced one for a run
 * whose holder is gone), the ticket's state, the metrics, then the thread (in the background;
 * the final reply goes through the outbox, so it is never lost).
 */
export async function endRun(
  deps: EndDeps,
  ticket: Ticket,
  kind: string,
  end: RunEnd,
  holder: { token: string } | null,
): Promise<void> {
  const key = { ticketId: ticket.id, attempt: ticket.attempt };
  const at = deps.clock.now();
  if (holder) await deps.runs.finishRun({ ...key, token: holder.token, at }, end);
  else if (!(await deps.runs.forceFinishRun(key, end, at))) {
    const run = await deps.runs.getRun(key);
    if (!run) await deps.relay.milestone(ticket, endWithoutRun(ticket, end));
  }
  const settled = await settleTicket(deps, ticket, end);
  await forgetCatalogs(deps, ticket);
  const run = await deps.runs.getRun(key);
  if (settled && run) {
    const seconds = Math.max(0, (at.getTime() - run.startedAt.getTime()) / 1000);
    deps.metrics.jobs.inc({ kind, outcome: end.outcome });
    deps.metrics.jobDuration.observe({ kind, outcome: end.outcome }, seconds);
  }
  deps.logger.info('ticket run ended', {
    ticket: ticket.ref,
    attempt: ticket.attempt,
    kind,
    outcome: end.outcome,
    summary: end.summary.slice(0, 300),
  });
  if (settled) await alertOnEnd(deps, ticket, kind, end);
  if (run) deps.relay.finished(ticket);
  else void deps.announcer.refresh(ticket.id).catch(() => undefined);
}

/** Move a running ticket to succeeded, failed or cancelled (compare-and-set); false when it had already moved on. */
export async function settleTicket(
  deps: Pick<EndDeps, 'tickets' | 'clock' | 'logger'>,
  ticket: Ticket,
  end: RunEnd,
): Promise<boolean> {
  for (let n = 0; n < CAS_TRIES; n++) {
    const current = await deps.tickets.get(ticket.id);
    if (!current || current.attempt !== ticket.attempt) return false;
    // A ticket that fails before it started goes through `start` first, so its history shows both.
    if (current.state === 'approved' || current.state === 'scheduled') {
      if (end.outcome !== 'failed') return false;
      const started = await deps.tickets.transition({
        ticketId: current.id,
        expect: { state: current.state, version: current.version },
        action: 'start',
        actor: BOT_ACTOR,
        note: { to: 'fail' },
        at: deps.clock.now(),
      });
      if (!started.ok) continue;
    } else if (current.state !== 'running') return false;
    const latest = current.state === 'running' ? current : await deps.tickets.get(ticket.id);
    if (latest?.state !== 'running') continue;
    const actor = end.outcome === 'cancelled' && end.stop?.kind === 'cancel' ? end.stop.by : BOT_ACTOR;
    const note = { summary: end.summary.slice(0, 2000), ...(end.stop?.reason ? { reason: end.stop.reason } : {}) };
    const res = await deps.tickets.transition({
      ticketId: latest.id,
      expect: { state: 'running', version: latest.version },
      action: ACTION[end.outcome],
      actor,
      note,
      at: deps.clock.now(),
    });
    if (res.ok) return true;
    if (res.reason === 'forbidden') {
      deps.logger.error('the state machine refused to end a run', {
        ticket: ticket.ref,
        outcome: end.outcome,
        message: res.message,
      });
      return false;
    }
  }
  return false;
}

/** A failed job raises an alert (one per ticket); a later attempt that succeeds resolves it. Never fails the end. */
async function alertOnEnd(
  deps: Pick<EndDeps, 'alerts' | 'logger'>,
  ticket: Ticket,
  kind: string,
  end: RunEnd,
): Promise<void> {
  const alerts = deps.alerts;
  if (!alerts) return;
  try {
    if (end.outcome === 'failed') await alerts.raise(end.alert ?? ticketFailedAlert(ticket, kind, end.summary));
    else if (end.outcome === 'succeeded' && ticket.attempt > 1) await alerts.resolve(ticketFailedKey(ticket));
  } catch (err) {
    deps.logger.warn(
      'could not raise the alert of a ticket run',
      { ticket: ticket.ref, outcome: end.outcome },
      toError(err),
    );
  }
}

function endWithoutRun(ticket: Ticket, end: RunEnd) {
  const icon =
    end.outcome === 'succeeded' ? ':white_check_mark:' : end.outcome === 'cancelled' ? ':no_entry_sign:' : ':x:';
  const text = `${icon} ${ticket.ref}: ${plainToMrkdwn(end.summary)}`;
  return { text, blocks: [section(text)] };
}

/** Whatever the run did (even a failed or cancelled one may have changed tables), reviews read these clusters' catalogs again. */
async function forgetCatalogs(deps: Pick<EndDeps, 'catalogVersions' | 'logger'>, ticket: Ticket): Promise<void> {
  if (!deps.catalogVersions) return;
  for (const cluster of new Set([ticket.cluster, ...ticket.about.writesTo])) {
    await deps.catalogVersions
      .bump(cluster)
      .catch((err: unknown) => deps.logger.warn('could not mark the catalog changed', { cluster }, toError(err)));
  }
}
