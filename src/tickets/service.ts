import type { DbopsConfig } from '../config/schema.js';
import type { Logger } from '../kernel/logger.js';
import type { TicketQueue } from '../queue/queues.js';
import type { ApprovalGate } from './approval-gate.js';
import type { DbaDirectory } from './dba-directory.js';
import {
  approvalsNeeded,
  approvalsNeededForException,
  canApprove,
  canCancel,
  canRetry,
  canReject,
  canRequestException,
  isFinalApproval,
  staleClickMessage,
  type RefusalCode,
  type Verdict,
} from './policy.js';
import type { ProtectedTargets } from './protected-targets.js';
import { parseRunTime, startTime, type ClusterHours, type RunTimeRefusal } from './run-time.js';
import type { Sealer } from './seal.js';
import type { TicketAction } from './state-machine.js';
import type { TicketStore, TransitionRequest } from './store.js';
import { BOT_ACTOR, type Ticket, type TicketReview } from './ticket.js';
import { findCluster } from '../config/clusters.js';
import { toError } from '../kernel/errors.js';

export interface Clock {
  now(): Date;
}

export interface TicketServiceDeps {
  store: TicketStore;
  queue: TicketQueue;
  clock: Clock;
  logger: Logger;
  config: Pick<DbopsConfig, 'clusters' | 'policy'> & Partial<Pick<DbopsConfig, 'runbooks' | 'grants'>>;
  dbas: DbaDirectory;
  /** Seals each approval decision with dbops' key; the runner trusts nothing else. */
  sealer: Sealer;
  /** Checked before a ticket is handed to the queue: its sealed approvals must cover it. */
  gate: ApprovalGate;
  /** Schemas no ticket may touch (dbops' own, the server's); checked before a ticket is created. */
  protection: ProtectedTargets;
}

/** A request of any registered kind: `submit` checks kind and payload through the store's registry. */
export interface KindRequest {
  kind: string;
  payload: unknown;
}

export type SubmitInput = KindRequest & {
  requester: string;
  cluster: string;
  schema: string | null;
  /** The review of the change (`reviewFromReport`); null when the kind has nothing to review. */
  review: TicketReview | null;
  estimatedRows?: number | null;
  /** Approvals this request needs at least, whatever its environment's policy says (data leaving its environment needs a DBA). */
  minApprovals?: number;
  /** What the requester typed: `now` (default), `tonight`, `at 02:00`, `at 2026-11-25 01:30`. */
  runAt?: string;
  /** Makes submit idempotent (e.g. the Slack request's id): a repeat returns the first ticket. */
  sourceKey?: string;
  slack?: { requestChannel?: string; requestTs?: string };
};

export interface TicketActionInput {
  ticketId: number;
  /** Slack user id of whoever clicked or typed. */
  user: string;
  /** Free text: the requester's reason for an exception, a DBA's reason to reject or cancel. */
  reason?: string;
}

export type ServiceRefusalCode =
  | RefusalCode
  | 'not_found'
  | 'unknown_cluster'
  | 'invalid'
  | RunTimeRefusal
  | 'busy'
  /** It would touch a protected schema (protected-targets.ts). */
  | 'protected';

/** What a request would touch, before anything else is asked of the servers. */
export type TargetsInput = KindRequest & { cluster: string; schema: string | null };

/** Why nothing happened, in words for the person who asked. Answer it privately. */
export interface Refused {
  ok: false;
  code: ServiceRefusalCode;
  message: string;
  ticket?: Ticket;
  /** With `peak_hours`: the first time outside the peak windows. */
  nextAllowed?: Date;
}

/** The hand-over to the queue after the final approval. */
export type HandOff =
  | {
      queued: true;
      /** Internal (logs, the ticket detail's technical section); never in user text. */
      jobId: string;
      startAt: Date;
      /** It waits: a requested run time or peak hours put its start after now. */
      startsLater: boolean;
      /** The start was moved out of peak hours. */
      delayedByPeak: boolean;
    }
  /** The queue was unavailable: the ticket stays approved and `resumeHandOffs` queues it later. */
  | { queued: false; message: string };

export type SubmitResult =
  | { ok: true; outcome: 'awaiting_approval'; ticket: Ticket }
  /** The review found errors: the requester may `requestException` or cancel. */
  | { ok: true; outcome: 'blocked'; ticket: Ticket }
  /** Clean review on an environment that needs no approval. */
  | { ok: true; outcome: 'auto_approved'; ticket: Ticket; handOff: HandOff }
  /** Same sourceKey as an earlier submit: that ticket, unchanged. */
  | { ok: true; outcome: 'duplicate'; ticket: Ticket }
  | Refused;

export type ApproveResult =
  | { ok: true; outcome: 'approval_recorded'; ticket: Ticket; remaining: number }
  | { ok: true; outcome: 'approved'; ticket: Ticket; exception: boolean; handOff: HandOff }
  | Refused;

export type RequestExceptionResult = { ok: true; outcome: 'exception_requested'; ticket: Ticket } | Refused;
export type RejectResult = { ok: true; outcome: 'rejected'; ticket: Ticket } | Refused;
export type RetryResult =
  /** Approved again as attempt n+1 and handed to the queue. */
  { ok: true; outcome: 'retried'; ticket: Ticket; handOff: HandOff } | Refused;
export type CancelResult =
  | { ok: true; outcome: 'cancelled'; ticket: Ticket /** a queued job was taken out */; jobRemoved: boolean }
  /** The ticket is running: its workers were asked to stop at a safe point; the runner ends it as cancelled. */
  | { ok: true; outcome: 'stop_requested'; ticket: Ticket; jobRemoved: false }
  | Refused;

/** Compare-and-set attempts before giving up (each retry re-reads the ticket and re-checks policy). */
const MAX_CAS_TRIES = 8;
const NO_HOURS: ClusterHours = { timezone: 'UTC', peak_hours: [] };

export type TicketService = ReturnType<typeof createTicketService>;

/** The ticket operations the Slack layer calls; each checks policy, changes state by CAS and logs an event. */
export function createTicketService(deps: TicketServiceDeps) {
  const { store, clock, logger, config } = deps;
  const hoursOf = (ticket: Ticket): ClusterHours => findCluster(config, ticket.cluster) ?? NO_HOURS;

  const refused = (code: ServiceRefusalCode, message: string, ticket?: Ticket): Refused => ({
    ok: false,
    code,
    message,
    ...(ticket ? { ticket } : {}),
  });

  /** A refusal from policy; a stale one says who got there first and when. */
  const fromVerdict = async (ticket: Ticket, verdict: Exclude<Verdict, { ok: true }>): Promise<Refused> => {
    if (verdict.code !== 'stale') return refused(verdict.code, verdict.message, ticket);
    const message = staleClickMessage(ticket, await store.events(ticket.id), {
      timezone: hoursOf(ticket).timezone,
      now: clock.now(),
    });
    return refused('stale', message, ticket);
  };

  /** Read, decide, compare-and-set; on a lost race read again and decide again. */
  const decide = async <R>(ticketId: number, step: (ticket: Ticket) => Promise<R | 'retry'>): Promise<R | Refused> => {
    for (let attempt = 0; attempt < MAX_CAS_TRIES; attempt++) {
      const ticket = await store.get(ticketId);
      if (!ticket) return refused('not_found', `There is no ticket T-${ticketId}.`);
      const result = await step(ticket);
      if (result !== 'retry') return result;
    }
    return refused('busy', `T-${ticketId} kept changing while I was updating it. Please try again.`);
  };

  const change = (ticket: Ticket, action: TicketAction, actor: string, extra: Partial<TransitionRequest> = {}) =>
    store.transition({
      ticketId: ticket.id,
      expect: { state: ticket.state, version: ticket.version },
      action,
      actor,
      at: clock.now(),
      ...extra,
    });

  /**
   * Queue an approved ticket's job (start moved out of peak hours) and record it as scheduled. A
   * ticket whose sealed approvals do not cover it is not queued: the workers' reconciliation fails
   * it, says so in its thread and raises the alert.
   */
  const handOff = async (ticket: Ticket): Promise<{ ticket: Ticket; handOff: HandOff }> => {
    const gate = await deps.gate.check(ticket);
    if (!gate.ok) {
      logger.error('refused to queue a ticket without a valid approval', {
        ticket: ticket.ref,
        why: gate.message,
        problems: gate.problems,
      });
      return { ticket, handOff: { queued: false, message: gate.message } };
    }
    const now = clock.now();
    // Urgent work (a failover) starts at once, peak hours or not.
    const hours = deps.store.kinds.urgent(ticket) ? { ...hoursOf(ticket), peak_hours: [] } : hoursOf(ticket);
    const startAt = startTime(ticket.runAt, now, hours);
    const delayedByPeak = startAt.getTime() > Math.max(now.getTime(), ticket.runAt?.getTime() ?? 0);
    let jobId: string;
    try {
      ({ jobId } = await deps.queue.enqueueTicket(ticket, ticket.attempt, {
        delayMs: startAt.getTime() - now.getTime(),
      }));
    } catch (err) {
      logger.error('could not queue an approved ticket', { ticket: ticket.ref }, toError(err));
      return {
        ticket,
        handOff: {
          queued: false,
          message: `${ticket.ref} is approved, but the job queue is unavailable; it will be queued as soon as the queue is back.`,
        },
      };
    }
    const res = await change(ticket, 'enqueue', BOT_ACTOR, { note: { jobId, startAt: startAt.toISOString() } });
    const latest = res.ok ? res.ticket : res.reason === 'conflict' && res.current ? res.current : ticket;
    if (!res.ok && latest.state === 'cancelled')
      await deps.queue.removeTicketJob(ticket.id, ticket.attempt).catch(() => false);
    logger.info('ticket queued', { ticket: ticket.ref, jobId, startAt: startAt.toISOString() });
    const startsLater = startAt.getTime() > now.getTime() + 1000;
    return { ticket: latest, handOff: { queued: true, jobId, startAt, startsLater, delayedByPeak } };
  };

  /** Refuse a request that would touch a protected schema; `submit` checks this too, a request may ask first to answer sooner. */
  async function checkTargets(input: TargetsInput): Promise<{ ok: true } | Refused> {
    const verdict = await deps.protection.check(deps.store.kinds.touches(input));
    if (verdict.ok) return verdict;
    logger.warn('request refused: protected schema', {
      cluster: input.cluster,
      kind: input.kind,
      why: verdict.message,
    });
    return refused('protected', verdict.message);
  }

  async function submit(input: SubmitInput): Promise<SubmitResult> {
    const cluster = findCluster(config, input.cluster);
    if (!cluster)
      return refused(
        'unknown_cluster',
        `There is no cluster '${input.cluster}'. Known clusters: ${Object.keys(config.clusters).join(', ')}.`,
      );
    const runTime = parseRunTime(input.runAt, cluster, clock.now());
    if (!runTime.ok)
      return {
        ...refused(runTime.code, runTime.message),
        ...(runTime.nextAllowed ? { nextAllowed: runTime.nextAllowed } : {}),
      };
    const request = deps.store.kinds.check(input.kind, input.payload);
    if (!request.ok) return refused('invalid', `The ${input.kind} request is incomplete: ${request.issues}.`);
    const { requester, schema, review } = input;
    const targets = await checkTargets({ ...request.request, cluster: input.cluster, schema });
    if (!targets.ok) return targets;
    // The kind may ask for its own number (a runbook's `approvals`); else the policy decides.
    const own = deps.store.kinds.approvals(request.request, cluster.env, {
      policy: config.policy,
      runbooks: config.runbooks ?? [],
      grants: config.grants,
    });
    const needed = Math.max(own ?? approvalsNeeded(cluster.env, config.policy), input.minApprovals ?? 0);
    const created = await store.create(
      {
        ...request.request,
        requester,
        cluster: input.cluster,
        schema,
        environment: cluster.env,
        review,
        estimatedRows: input.estimatedRows ?? null,
        runAt: runTime.runAt,
        approvalsNeeded: needed,
        sourceKey: input.sourceKey ?? null,
        slack: input.slack,
      },
      clock.now(),
    );
    if (!created.created) return { ok: true, outcome: 'duplicate', ticket: created.ticket };
    const errors = review?.summary.errors ?? 0;
    const action: TicketAction = errors > 0 ? 'review_blocked' : needed === 0 ? 'auto_approve' : 'review_passed';
    const note = review ? { errors, warnings: review.summary.warnings, grade: review.summary.grade } : {};
    const at = clock.now();
    const seal =
      action === 'auto_approve'
        ? deps.sealer.seal(created.ticket, { signer: BOT_ACTOR, decision: 'auto_approve', exception: false, at })
        : undefined;
    const res = await change(created.ticket, action, BOT_ACTOR, { note, at, ...(seal ? { seal } : {}) });
    // Only a cancel can race a ticket this young; report it as it now is.
    if (!res.ok)
      return refused(
        'stale',
        `${created.ticket.ref} changed before its review was recorded.`,
        res.reason === 'conflict' ? (res.current ?? undefined) : undefined,
      );
    logger.info('ticket submitted', {
      ticket: res.ticket.ref,
      requester,
      cluster: input.cluster,
      state: res.ticket.state,
    });
    if (action === 'review_blocked') return { ok: true, outcome: 'blocked', ticket: res.ticket };
    if (action === 'review_passed') return { ok: true, outcome: 'awaiting_approval', ticket: res.ticket };
    const queued = await handOff(res.ticket);
    return { ok: true, outcome: 'auto_approved', ticket: queued.ticket, handOff: queued.handOff };
  }

  function requestException(input: TicketActionInput): Promise<RequestExceptionResult> {
    return decide(input.ticketId, async (ticket) => {
      const verdict = canRequestException(ticket, input.user);
      if (!verdict.ok) return fromVerdict(ticket, verdict);
      const reason = input.reason?.trim() || null;
      const res = await change(ticket, 'request_exception', input.user, {
        note: reason ? { reason } : {},
        set: {
          exception: true,
          exceptionReason: reason,
          approvalsNeeded: approvalsNeededForException(ticket.approvalsNeeded),
        },
      });
      if (!res.ok) return 'retry';
      logger.info('ticket exception requested', { ticket: ticket.ref, requester: input.user });
      return { ok: true as const, outcome: 'exception_requested' as const, ticket: res.ticket };
    });
  }

  function approve(input: TicketActionInput): Promise<ApproveResult> {
    return decide(input.ticketId, async (ticket): Promise<ApproveResult | 'retry'> => {
      const verdict = canApprove(ticket, input.user, await deps.dbas.members());
      if (!verdict.ok) return fromVerdict(ticket, verdict);
      const final = isFinalApproval(ticket);
      const exception = ticket.state === 'awaiting_exception';
      const count = ticket.approvals.length + 1;
      const at = clock.now();
      const res = await change(ticket, final ? 'approve' : 'add_approval', input.user, {
        at,
        approval: { approver: input.user, exception },
        seal: deps.sealer.seal(ticket, { signer: input.user, decision: 'approve', exception, at }),
        note: { approvals: count, needed: ticket.approvalsNeeded, ...(input.reason ? { reason: input.reason } : {}) },
      });
      if (!res.ok) return 'retry';
      logger.info(final ? 'ticket approved' : 'ticket approval recorded', {
        ticket: ticket.ref,
        by: input.user,
        approvals: count,
        needed: ticket.approvalsNeeded,
        exception,
      });
      if (!final)
        return {
          ok: true,
          outcome: 'approval_recorded',
          ticket: res.ticket,
          remaining: ticket.approvalsNeeded - count,
        };
      const queued = await handOff(res.ticket);
      return { ok: true, outcome: 'approved', ticket: queued.ticket, exception, handOff: queued.handOff };
    });
  }

  function reject(input: TicketActionInput): Promise<RejectResult> {
    return decide(input.ticketId, async (ticket) => {
      const verdict = canReject(ticket, input.user, await deps.dbas.members());
      if (!verdict.ok) return fromVerdict(ticket, verdict);
      const res = await change(ticket, 'reject', input.user, { note: input.reason ? { reason: input.reason } : {} });
      if (!res.ok) return 'retry';
      logger.info('ticket rejected', { ticket: ticket.ref, by: input.user });
      return { ok: true as const, outcome: 'rejected' as const, ticket: res.ticket };
    });
  }

  /**
   * A failed ticket runs again as attempt n+1 (a new job id); `beforeHandOff` announces it first. What an earlier attempt completed is
   * not run again: the step journal carries completed non-idempotent steps over, and SQL changes
   * skip the statements their execution log shows committed.
   */
  function retry(
    input: TicketActionInput,
    hooks: { beforeHandOff?: (ticket: Ticket) => Promise<void> } = {},
  ): Promise<RetryResult> {
    return decide(input.ticketId, async (ticket): Promise<RetryResult | 'retry'> => {
      const verdict = canRetry(ticket, input.user, await deps.dbas.members());
      // Policy's own words ("only a failed ticket can be retried") beat who-decided-when here.
      if (!verdict.ok) return refused(verdict.code, verdict.message, ticket);
      const attempt = ticket.attempt + 1;
      const res = await change(ticket, 'retry', input.user, {
        set: { attempt },
        note: { attempt, ...(input.reason ? { reason: input.reason } : {}) },
      });
      if (!res.ok) return 'retry';
      logger.info('ticket retried', { ticket: ticket.ref, by: input.user, attempt });
      // Said in the thread before the job is queued, so it never lands below the new run's status.
      await hooks.beforeHandOff?.(res.ticket);
      const queued = await handOff(res.ticket);
      return { ok: true, outcome: 'retried', ticket: queued.ticket, handOff: queued.handOff };
    });
  }

  function cancel(input: TicketActionInput): Promise<CancelResult> {
    return decide(input.ticketId, async (ticket): Promise<CancelResult | 'retry'> => {
      const verdict = canCancel(ticket, input.user, await deps.dbas.members());
      if (!verdict.ok) {
        // Someone else already ended it: say who and when; otherwise policy's own reason is the better answer.
        if (verdict.code === 'stale' && (ticket.state === 'cancelled' || ticket.state === 'rejected'))
          return fromVerdict(ticket, verdict);
        return refused(verdict.code, verdict.message, ticket);
      }
      if (ticket.state === 'running') {
        await deps.queue.requestStop(ticket.id, ticket.attempt, {
          kind: 'cancel',
          by: input.user,
          ...(input.reason ? { reason: input.reason } : {}),
          at: clock.now().toISOString(),
        });
        logger.info('stop of a running ticket requested', { ticket: ticket.ref, by: input.user });
        return { ok: true, outcome: 'stop_requested', ticket, jobRemoved: false };
      }
      const res = await change(ticket, 'cancel', input.user, { note: input.reason ? { reason: input.reason } : {} });
      if (!res.ok) return 'retry';
      const hadJob = ticket.state === 'approved' || ticket.state === 'scheduled';
      const jobRemoved = hadJob
        ? await deps.queue.removeTicketJob(ticket.id, ticket.attempt).catch(() => false)
        : false;
      logger.info('ticket cancelled', { ticket: ticket.ref, by: input.user, jobRemoved });
      return { ok: true, outcome: 'cancelled', ticket: res.ticket, jobRemoved };
    });
  }

  /**
   * Queue every ticket that is approved but not yet handed over (the queue was down at approval, or
   * the bot stopped in between). Safe to run any time: job ids are idempotent. Call at start-up.
   */
  async function resumeHandOffs(): Promise<Array<{ ticket: Ticket; handOff: HandOff }>> {
    const approved = await store.list({ states: ['approved'], order: 'oldest', limit: 500 });
    const results: Array<{ ticket: Ticket; handOff: HandOff }> = [];
    for (const ticket of approved) results.push(await handOff(ticket));
    return results;
  }

  return { submit, checkTargets, requestException, approve, reject, cancel, retry, resumeHandOffs };
}
