import { findCluster } from '../config/clusters.js';
import type { DbopsConfig, Environment } from '../config/schema.js';
import type { KindRegistry } from './kind.js';
import { formatInZone } from './run-time.js';
import { AWAITING_DECISION, BEFORE_RUN, describeState } from './state-machine.js';
import { BOT_ACTOR, type Ticket, type TicketEvent } from './ticket.js';

/**
 * Who may do what to a ticket. Pure: the DBA set, the ticket and the policy come in, a verdict
 * comes out; every refusal says why in words meant for the person who clicked.
 */
export type RefusalCode =
  /** The ticket is no longer in a state the action applies to (an old button, a race). */
  | 'stale'
  | 'not_dba'
  | 'own_ticket'
  | 'already_approved'
  | 'not_requester'
  | 'not_allowed'
  /** The action does not apply to this kind of ticket (a rollback of a migration). */
  | 'not_applicable';

export type Verdict = { ok: true } | { ok: false; code: RefusalCode; message: string };

export type ApprovalPolicy = Pick<DbopsConfig['policy'], 'approvals' | 'migrate_into'>;

/** Approvals an environment needs when `policy.approvals` does not name it: the safe side. */
export const DEFAULT_APPROVALS = 1;

const OK: Verdict = { ok: true };
const refuse = (code: RefusalCode, message: string): Verdict => ({ ok: false, code, message });

/** DBA approvals an environment needs; 0 means a clean review is approved automatically. */
export function approvalsNeeded(environment: Environment, policy: ApprovalPolicy): number {
  return policy.approvals[environment] ?? DEFAULT_APPROVALS;
}

/**
 * DBA approvals a runbook run needs on a cluster of `environment`: what the runbook declares for that
 * environment, else `policy.approvals`, else the safe default. A runbook may ask for fewer than the
 * policy (a harmless ANALYZE) or more (a script that kills sessions).
 */
export function runbookApprovals(
  runbook: { approvals: Partial<Record<Environment, number>> },
  environment: Environment,
  policy: ApprovalPolicy,
): number {
  return runbook.approvals[environment] ?? approvalsNeeded(environment, policy);
}

/** A migration needs one DBA when data leaves its environment, and what the destination's environment asks for. */
export function migrateApprovals(source: Environment, destination: Environment, policy: ApprovalPolicy): number {
  return Math.max(source === destination ? 0 : 1, approvalsNeeded(destination, policy));
}

/**
 * The DBA approvals a ticket needs before it may run, from the config as it is now (never less than
 * the ticket says): the runner checks the sealed approvals against this, so a ticket row whose
 * environment or count was lowered in the database asks for no fewer. Null when a cluster is unknown.
 */
export function requiredApprovals(
  ticket: Pick<Ticket, 'kind' | 'payload' | 'cluster' | 'approvalsNeeded' | 'exception' | 'about'>,
  config: {
    clusters: DbopsConfig['clusters'];
    policy: ApprovalPolicy;
    runbooks?: DbopsConfig['runbooks'];
    grants?: DbopsConfig['grants'];
  },
  kinds?: Pick<KindRegistry, 'approvals'>,
): number | null {
  const env = findCluster(config, ticket.cluster)?.env;
  if (!env) return null;
  const own =
    kinds?.approvals(ticket, env, { policy: config.policy, runbooks: config.runbooks ?? [], grants: config.grants }) ??
    null;
  let needed = Math.max(own ?? approvalsNeeded(env, config.policy), ticket.approvalsNeeded);
  for (const cluster of ticket.about.writesTo) {
    const destination = findCluster(config, cluster)?.env;
    if (!destination) return null;
    needed = Math.max(needed, migrateApprovals(env, destination, config.policy));
  }
  return ticket.exception ? approvalsNeededForException(needed) : needed;
}

/** An exception (approval over a review with errors) always needs at least one DBA, even where 0 are configured. */
export function approvalsNeededForException(needed: number): number {
  return Math.max(1, needed);
}

/** Would approval by one more DBA be the last one needed? */
export function isFinalApproval(ticket: Pick<Ticket, 'approvals' | 'approvalsNeeded'>): boolean {
  return ticket.approvals.length + 1 >= ticket.approvalsNeeded;
}

export function canApprove(ticket: Ticket, user: string, dbas: ReadonlySet<string>): Verdict {
  if (!AWAITING_DECISION.includes(ticket.state))
    return refuse('stale', `${ticket.ref} is ${describeState(ticket.state)}; there is nothing to approve.`);
  if (!dbas.has(user))
    return refuse(
      'not_dba',
      `Only DBAs can approve ${ticket.ref}, and you are not in the DBA list (slack.dba_users or the DBA user group).`,
    );
  if (user === ticket.requester)
    return refuse('own_ticket', `You asked for ${ticket.ref}, so you can't approve it: another DBA has to.`);
  if (ticket.approvals.some((a) => a.approver === user)) {
    const remaining = ticket.approvalsNeeded - ticket.approvals.length;
    return refuse(
      'already_approved',
      `You already approved ${ticket.ref}; it needs ${remaining} more approval${remaining === 1 ? '' : 's'} from a different DBA.`,
    );
  }
  return OK;
}

export function canReject(ticket: Ticket, user: string, dbas: ReadonlySet<string>): Verdict {
  if (!AWAITING_DECISION.includes(ticket.state))
    return refuse('stale', `${ticket.ref} is ${describeState(ticket.state)}; it can no longer be rejected.`);
  if (!dbas.has(user)) return refuse('not_dba', `Only DBAs can reject ${ticket.ref}, and you are not in the DBA list.`);
  if (user === ticket.requester) return refuse('own_ticket', `You asked for ${ticket.ref}: use Cancel to withdraw it.`);
  return OK;
}

/** Only the requester or a DBA, before the ticket ends (a running one is asked to stop at a safe point). */
export function canCancel(ticket: Ticket, user: string, dbas: ReadonlySet<string>): Verdict {
  if (!BEFORE_RUN.includes(ticket.state) && ticket.state !== 'running')
    return refuse('stale', `${ticket.ref} is ${describeState(ticket.state)}; there is nothing left to cancel.`);
  if (user !== ticket.requester && !dbas.has(user))
    return refuse('not_allowed', `Only <@${ticket.requester}>, who asked for ${ticket.ref}, or a DBA can cancel it.`);
  return OK;
}

/**
 * Retry a failed ticket as attempt n+1: DBAs only (a DBA decides the failure was transient or is
 * fixed). The sealed approvals still cover it: nothing it runs has changed.
 */
export function canRetry(ticket: Ticket, user: string, dbas: ReadonlySet<string>): Verdict {
  if (ticket.state !== 'failed')
    return refuse('stale', `${ticket.ref} is ${describeState(ticket.state)}; only a failed ticket can be retried.`);
  if (!dbas.has(user))
    return refuse(
      'not_dba',
      `Only DBAs can retry ${ticket.ref}, and you are not in the DBA list (slack.dba_users or the DBA user group). Ask a DBA to look at why it failed.`,
    );
  return OK;
}

/**
 * Clean up what an interrupted online ALTER left on the target (pt-online-schema-change's triggers
 * and copy): DBAs only, and only while no attempt of the ticket runs or is about to (a retry's own
 * online ALTER would have its triggers dropped under it).
 */
export function canCleanUpOnlineAlter(ticket: Ticket, user: string, dbas: ReadonlySet<string>): Verdict {
  if (!dbas.has(user))
    return refuse(
      'not_dba',
      `Only DBAs can clean up what ${ticket.ref}'s online ALTER left, and you are not in the DBA list (slack.dba_users or the DBA user group).`,
    );
  if (ticket.state === 'running' || BEFORE_RUN.includes(ticket.state))
    return refuse(
      'stale',
      `${ticket.ref} is ${describeState(ticket.state)}: Clean up works once it has stopped, so it never drops the triggers of a run in progress.`,
    );
  return OK;
}

/**
 * Kill a thread (or its query) from `/dbops top`: DBAs only. A kill is not a ticket: it is
 * confirmed in a dialog, taken once per thread and snapshot, and audited in `kill_log`.
 */
export function canKill(user: string, dbas: ReadonlySet<string>): Verdict {
  if (!dbas.has(user))
    return refuse(
      'not_dba',
      'Only DBAs can kill a query or a connection, and you are not in the DBA list (slack.dba_users or the DBA user group). Ask a DBA, naming the thread id.',
    );
  return OK;
}

/** States a ticket can be rolled back from: it ran, in whole or in part. */
const RAN: readonly Ticket['state'][] = ['succeeded', 'failed'];

/** Roll back a SQL change that ran (in whole or in part): its requester or a DBA. */
export function canRollBack(ticket: Ticket, user: string, dbas: ReadonlySet<string>): Verdict {
  if (!ticket.about.undoable)
    return refuse(
      'not_applicable',
      `${ticket.ref} is a ${ticket.kind} ticket; only SQL changes (\`/dbops exec\`) can be rolled back.`,
    );
  if (!RAN.includes(ticket.state))
    return refuse(
      'stale',
      `${ticket.ref} is ${ticket.state.replace(/_/g, ' ')}: only a ticket that ran (succeeded or failed) can be rolled back.`,
    );
  if (user !== ticket.requester && !dbas.has(user))
    return refuse(
      'not_allowed',
      `Only <@${ticket.requester}>, who asked for ${ticket.ref}, or a DBA can roll it back.`,
    );
  return OK;
}

/** Pause, resume or cut over a running online ALTER: DBAs only (whether it can be, now, is the runner's to say). */
export function canSteerOnlineAlter(user: string, dbas: ReadonlySet<string>): Verdict {
  if (!dbas.has(user)) return refuse('not_dba', 'Only DBAs can pause, resume or cut over an online ALTER.');
  return OK;
}

/** Acknowledge or silence an alert: DBAs only. */
export function canHandleAlert(user: string, dbas: ReadonlySet<string>): Verdict {
  if (!dbas.has(user)) return refuse('not_dba', 'Only DBAs can acknowledge or silence alerts.');
  return OK;
}

/** A review with errors blocks the ticket; its requester may send it to DBAs for an exception. */
export function canRequestException(ticket: Ticket, user: string): Verdict {
  if (ticket.state !== 'blocked')
    return refuse(
      'stale',
      `${ticket.ref} is ${describeState(ticket.state)}; an exception can only be asked for while its review blocks it.`,
    );
  if (user !== ticket.requester)
    return refuse(
      'not_requester',
      `Only <@${ticket.requester}>, who asked for ${ticket.ref}, can ask DBAs for an exception.`,
    );
  return OK;
}

const DECISIONS: Partial<Record<TicketEvent['action'], string>> = {
  approve: 'approved',
  auto_approve: 'approved',
  reject: 'rejected',
  expire: 'expired',
  cancel: 'cancelled',
  request_exception: 'sent to DBAs for an exception',
};

/**
 * The private answer to a click on a button whose moment has passed:
 * "T-42 was already approved by <@U0DBA1> at 10:02 Asia/Shanghai; it is now running."
 */
export function staleClickMessage(
  ticket: Ticket,
  events: readonly TicketEvent[],
  options: { timezone: string; now: Date },
): string {
  const decision = [...events].reverse().find((e) => DECISIONS[e.action] !== undefined);
  if (!decision) return `${ticket.ref} is ${describeState(ticket.state)}.`;
  if (decision.action === 'expire')
    return `${ticket.ref} expired at ${formatInZone(decision.at, options.timezone, options.now)}: nobody decided it in time (policy.expire_after). If it is still needed, ask again.`;
  const exception = decision.action === 'approve' && decision.note.exception === true ? ' as an exception' : '';
  const by = decision.actor === BOT_ACTOR ? 'automatically' : `by <@${decision.actor}>`;
  const when = formatInZone(decision.at, options.timezone, options.now);
  const since = decision.toState !== ticket.state ? `; it is now ${describeState(ticket.state)}` : '';
  return `${ticket.ref} was already ${DECISIONS[decision.action]}${exception} ${by} at ${when}${since}.`;
}

/** A grant as the policy sees it (src/accounts/grant-store.ts). */
export interface GrantFacts {
  ref: string;
  requester: string;
  state: string;
}

/** Revoke a grant at once: whoever asked for it, or a DBA; only while it is active. */
export function canRevokeGrant(grant: GrantFacts, user: string, dbas: ReadonlySet<string>): Verdict {
  if (grant.state !== 'active') return refuse('stale', `${grant.ref} is ${grant.state}; there is nothing to revoke.`);
  if (user !== grant.requester && !dbas.has(user))
    return refuse('not_allowed', `Only <@${grant.requester}>, who asked for ${grant.ref}, or a DBA can revoke it.`);
  return OK;
}

/** `/dbops accounts` shows every account of a cluster and its privileges: DBAs only. */
export function canListAccounts(user: string, dbas: ReadonlySet<string>): Verdict {
  if (!dbas.has(user))
    return refuse('not_dba', 'Only DBAs can list a cluster’s accounts (slack.dba_users or the DBA user group).');
  return OK;
}

/** `/dbops backup cluster`: a backup now is for DBAs (it loads the source for as long as it runs). */
export function canBackUpNow(user: string, dbas: ReadonlySet<string>): Verdict {
  if (!dbas.has(user))
    return refuse(
      'not_dba',
      'Only DBAs can start a backup (slack.dba_users or the DBA user group); scheduled backups run by themselves.',
    );
  return OK;
}
