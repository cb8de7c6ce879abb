import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { headline } from '../../review/grade.js';
import { targetName } from '../../tickets/kind.js';
import { formatInZone } from '../../tickets/run-time.js';
import { AWAITING_DECISION, BEFORE_RUN, describeState } from '../../tickets/state-machine.js';
import {
  BOT_ACTOR,
  type Ticket,
  type TicketEvent,
  type TicketFinding,
  type TicketState,
} from '../../tickets/ticket.js';
import { ids } from '../ids.js';
import { confirmDialog } from './confirm.js';
import { code, escapeMrkdwn, quoted, truncate } from '../../text/blocks.js';
import { pluralSuffix } from '../../kernel/format.js';

/** What every ticket view needs: the ticket, its history and the cluster's zone (times are shown in it). */
export interface TicketViewInput {
  ticket: Ticket;
  events: readonly TicketEvent[];
  timezone: string;
  /** A migration's destination environment: where its data goes, shown next to the source's. */
  destinationEnvironment?: string;
}

const STATE_ICON: Record<TicketState, string> = {
  submitted: ':inbox_tray:',
  blocked: ':no_entry:',
  awaiting_approval: ':hourglass_flowing_sand:',
  awaiting_exception: ':rotating_light:',
  approved: ':white_check_mark:',
  scheduled: ':calendar:',
  running: ':gear:',
  succeeded: ':tada:',
  failed: ':x:',
  cancelled: ':no_entry_sign:',
  rejected: ':x:',
  expired: ':hourglass:',
};

const SEVERITY_ICON = {
  error: ':red_circle:',
  warning: ':large_orange_circle:',
  notice: ':large_blue_circle:',
} as const;

export function stateText(state: TicketState): string {
  return `${STATE_ICON[state]} ${describeState(state)}`;
}

export function targetOf(ticket: Pick<Ticket, 'cluster' | 'schema'>): string {
  return targetName(ticket);
}

/** "SQL change on prod.shop": the ticket's kind names it (jobs/<kind>.ts `title`). */
export function ticketTitle(ticket: Pick<Ticket, 'about'>): string {
  return ticket.about.title;
}

/** The SQL a ticket runs, when its kind has one. */
export function ticketSql(ticket: Pick<Ticket, 'about'>): string | null {
  return ticket.about.sql;
}

export function runTimeText(ticket: Pick<Ticket, 'runAt'>, timezone: string): string {
  return ticket.runAt ? formatInZone(ticket.runAt, timezone) : 'as soon as approved';
}

export function estimatedRowsText(rows: number | null): string {
  return rows === null ? 'unknown' : `about ${rows.toLocaleString('en-US')}`;
}

export function reviewText(ticket: Pick<Ticket, 'review'>): string {
  const summary = ticket.review?.summary;
  if (!summary) return 'not reviewed';
  return headline(summary);
}

export function findingLine(finding: TicketFinding, statements: number): string {
  const where = statements > 1 ? `statement ${finding.statement + 1}, line ${finding.line}` : `line ${finding.line}`;
  return `${SEVERITY_ICON[finding.severity]} ${code(finding.rule)} (${where}): ${escapeMrkdwn(truncate(finding.message, 300))}`;
}

const ORDER = { error: 0, warning: 1, notice: 2 } as const;

/** Findings worst first. */
export function sortedFindings(ticket: Pick<Ticket, 'review'>): TicketFinding[] {
  return [...(ticket.review?.findings ?? [])].sort(
    (a, b) => ORDER[a.severity] - ORDER[b.severity] || a.statement - b.statement || a.line - b.line,
  );
}

export function statementCount(ticket: Pick<Ticket, 'review'>): number {
  return new Set((ticket.review?.findings ?? []).map((f) => f.statement)).size;
}

/** A ticket's actor as Slack shows it: a mention, or `dbops` for dbops' own (a failover from an alert). */
export function actorMention(actor: string): string {
  return actor === BOT_ACTOR ? 'dbops' : `<@${actor}>`;
}

/** When (in the cluster's zone) and by whom: "<@U1> at 2026-11-24 10:02 Asia/Shanghai". */
export function byWhom(actor: string, at: Date, timezone: string): string {
  const who = actor === BOT_ACTOR ? 'dbops (automatically)' : `<@${actor}>`;
  return `${who} at ${formatInZone(at, timezone)}`;
}

/** "1 of 2 approvals: <@U1>" */
export function approvalsText(ticket: Pick<Ticket, 'approvals' | 'approvalsNeeded'>): string {
  const who = ticket.approvals.map((a) => `<@${a.approver}>`).join(', ');
  return `${ticket.approvals.length} of ${ticket.approvalsNeeded} approval${pluralSuffix(ticket.approvalsNeeded)}${who ? `: ${who}` : ''}`;
}

/** The event that decided the ticket (approve, auto-approve, reject, cancel), if any. */
export function decisionEvent(events: readonly TicketEvent[]): TicketEvent | undefined {
  return [...events]
    .reverse()
    .find(
      (e) => e.action === 'approve' || e.action === 'auto_approve' || e.action === 'reject' || e.action === 'cancel',
    );
}

export function reasonOf(event: TicketEvent | undefined): string | null {
  const reason = event?.note.reason;
  return typeof reason === 'string' && reason.trim() !== '' ? reason.trim() : null;
}

/** One line on where the ticket stands: the decision with who and when, or what it waits for. */
export function statusLine({ ticket, events, timezone }: TicketViewInput): string {
  if (AWAITING_DECISION.includes(ticket.state)) {
    const kind = ticket.state === 'awaiting_exception' ? 'an exception' : 'approval';
    return `${STATE_ICON[ticket.state]} Waiting for ${kind}: ${approvalsText(ticket)}`;
  }
  if (ticket.state === 'blocked')
    return `${STATE_ICON.blocked} Blocked by its review: the requester may ask DBAs for an exception.`;
  const decision = decisionEvent(events);
  if (!decision) return stateText(ticket.state);
  const reason = reasonOf(decision);
  const because = reason ? `: ${quoted(reason, 500)}` : '';
  if (decision.action === 'reject')
    return `:x: *Rejected* by ${byWhom(decision.actor, decision.at, timezone)}${because}`;
  if (decision.action === 'cancel')
    return `:no_entry_sign: *Cancelled* by ${byWhom(decision.actor, decision.at, timezone)}${because}`;
  const approvers = ticket.approvals.map((a) => `<@${a.approver}>`);
  const who =
    decision.action === 'auto_approve'
      ? 'automatically (the review passed and this environment needs no DBA)'
      : `by ${approvers.join(' and ') || `<@${decision.actor}>`} at ${formatInZone(decision.at, timezone)}`;
  const exception = ticket.exception ? ' as an *exception* over its review' : '';
  const now = ticket.state === 'approved' ? '' : ` · now ${describeState(ticket.state)}`;
  return `:white_check_mark: *Approved*${exception} ${who}${now}`;
}

export type ButtonKind = 'approve' | 'reject' | 'cancel' | 'requestException' | 'retry';

/** The error rules an exception overrides: what a DBA approving it accepts. */
export function overriddenRules(ticket: Pick<Ticket, 'review'>): string[] {
  return [
    ...new Set(
      sortedFindings(ticket)
        .filter((f) => f.severity === 'error')
        .map((f) => f.rule),
    ),
  ];
}

function approveConfirm(ticket: Ticket): Button['confirm'] {
  const when = ticket.runAt ? 'at its requested time' : 'as soon as it is approved';
  const where = `${targetOf(ticket)} (${ticket.environment})`;
  if (ticket.exception) {
    const rules = overriddenRules(ticket);
    const overrides =
      rules.length === 0 ? 'its review' : `the ${rules.length === 1 ? 'rule' : 'rules'} ${rules.join(', ')}`;
    return confirmDialog({
      title: `Approve ${ticket.ref} as an exception?`,
      text: `This overrides ${overrides}. It will run on ${where} ${when}.`,
      confirm: 'Approve exception',
      danger: true,
    });
  }
  if (ticket.environment !== 'prod') return undefined;
  return confirmDialog({
    title: `Approve ${ticket.ref} on prod?`,
    text: `This change will run on ${where} ${when}.`,
    confirm: 'Approve',
  });
}

function cancelConfirm(ticket: Ticket): Button['confirm'] {
  // A running ticket's Cancel… opens a form that asks for a reason: that form is its confirmation.
  if (ticket.state === 'running') return undefined;
  return confirmDialog({
    title: `Cancel ${ticket.ref}?`,
    text: `${ticketTitle(ticket)} will not run. To do it later, ask again.`,
    confirm: 'Cancel ticket',
    deny: 'Keep it',
    danger: true,
  });
}

/** A ticket's buttons; the value is the ticket ref, read back with zod in the listener. */
export function ticketButton(ticket: Ticket, kind: ButtonKind): Button {
  const actionId = ids.ticketActions[kind];
  const value = ticket.ref;
  const button = (text: string, style?: 'primary' | 'danger', confirm?: Button['confirm']): Button => ({
    type: 'button',
    action_id: actionId,
    value,
    ...(style && { style }),
    text: { type: 'plain_text', text },
    ...(confirm && { confirm }),
  });
  if (kind === 'approve') return button('Approve', 'primary', approveConfirm(ticket));
  if (kind === 'reject') return button('Reject…', 'danger');
  if (kind === 'requestException') return button('Request exception…', 'primary');
  if (kind === 'retry')
    return button(
      'Retry',
      'primary',
      confirmDialog({
        title: `Retry ${ticket.ref}?`,
        text: `It runs again as attempt ${ticket.attempt + 1} on ${targetOf(ticket)} (${ticket.environment}). What attempt ${ticket.attempt} completed is not run again. Make sure the cause of the failure is fixed first.`,
        confirm: 'Retry',
      }),
    );
  return button(ticket.state === 'running' ? 'Cancel…' : 'Cancel ticket', undefined, cancelConfirm(ticket));
}

/** An actions block with the given buttons, its block id unique per ticket (Home lists several). */
export function ticketActions(ticket: Ticket, kinds: readonly ButtonKind[]): ActionsBlock {
  return {
    type: 'actions',
    block_id: `${ids.ticketActions.blockPrefix}${ticket.id}`,
    elements: kinds.map((k) => ticketButton(ticket, k)),
  };
}

/** The buttons that can work for a ticket right now, for someone in `role`. */
export function buttonsFor(ticket: Ticket, role: { dba: boolean; requester: boolean }): ButtonKind[] {
  const kinds: ButtonKind[] = [];
  if (AWAITING_DECISION.includes(ticket.state) && role.dba && !role.requester) kinds.push('approve', 'reject');
  if (ticket.state === 'blocked' && role.requester) kinds.push('requestException');
  if (
    (BEFORE_RUN.includes(ticket.state) && role.requester) ||
    (ticket.state === 'running' && (role.requester || role.dba))
  )
    kinds.push('cancel');
  if (ticket.state === 'failed' && role.dba) kinds.push('retry');
  return kinds;
}

export function actionsIfAny(ticket: Ticket, kinds: readonly ButtonKind[]): KnownBlock[] {
  return kinds.length > 0 ? [ticketActions(ticket, kinds)] : [];
}
