import type { KnownBlock } from '@slack/types';
import { formatInZone } from '../../tickets/run-time.js';
import { BOT_ACTOR, type TicketEvent } from '../../tickets/ticket.js';
import {
  code,
  codeBlock,
  context,
  divider,
  escapeMrkdwn,
  header,
  quoted,
  section,
  truncate,
  type Message,
} from '../../text/blocks.js';
import {
  actionsIfAny,
  approvalsText,
  buttonsFor,
  estimatedRowsText,
  findingLine,
  reviewText,
  runTimeText,
  sortedFindings,
  stateText,
  statementCount,
  statusLine,
  targetOf,
  ticketSql,
  ticketTitle,
  type TicketViewInput,
  actorMention,
} from './ticket-parts.js';

const FINDINGS_SHOWN = 10;
/** History lines per section (a section holds 3000 characters). */
const EVENTS_PER_SECTION = 15;

export interface TicketDetailInput extends TicketViewInput {
  /** Who is looking: decides which buttons are offered. */
  viewer: { dba: boolean; user: string };
}

/** `/dbops ticket T-42`: the ticket, its review, and its whole history. */
export function ticketDetailMessage(input: TicketDetailInput): Message {
  const { ticket, events, timezone, viewer } = input;
  const blocks: KnownBlock[] = [header(`${ticket.ref} · ${ticketTitle(ticket)}`)];
  blocks.push(
    section(
      [
        `*State:* ${stateText(ticket.state)}`,
        `*Target:* ${code(targetOf(ticket))} (${ticket.environment})`,
        `*Requested by:* ${actorMention(ticket.requester)} at ${formatInZone(ticket.createdAt, timezone)}`,
        `*Run:* ${runTimeText(ticket, timezone)}`,
        `*Review:* ${reviewText(ticket)}`,
        `*Estimated rows:* ${estimatedRowsText(ticket.estimatedRows)}`,
        `*Approvals:* ${approvalsText(ticket)}${ticket.exception ? ' · exception requested' : ''}`,
        ...(ticket.exceptionReason
          ? [`*Exception reason:* ${escapeMrkdwn(truncate(ticket.exceptionReason, 500))}`]
          : []),
      ].join('\n'),
    ),
  );
  const sql = ticketSql(ticket);
  if (sql !== null) blocks.push(section(codeBlock(sql, 2000)));
  blocks.push(...ticket.about.details);
  const findings = sortedFindings(ticket);
  if (findings.length > 0) {
    const statements = statementCount(ticket);
    const more = findings.length > FINDINGS_SHOWN ? `\n…and ${findings.length - FINDINGS_SHOWN} more.` : '';
    blocks.push(
      section(
        findings
          .slice(0, FINDINGS_SHOWN)
          .map((f) => findingLine(f, statements))
          .join('\n') + more,
      ),
    );
  }
  blocks.push(section(statusLine(input)));
  blocks.push(divider(), section('*History*'));
  const lines = events.map((e) => historyLine(e, timezone));
  for (let i = 0; i < lines.length && blocks.length < 47; i += EVENTS_PER_SECTION)
    blocks.push(section(lines.slice(i, i + EVENTS_PER_SECTION).join('\n')));
  blocks.push(
    ...actionsIfAny(ticket, buttonsFor(ticket, { dba: viewer.dba, requester: viewer.user === ticket.requester })),
  );
  if (ticket.slack.approvalChannel) blocks.push(context(`Approval request in <#${ticket.slack.approvalChannel}>`));
  const technical = technicalText(ticket.attempt, events);
  if (technical) blocks.push(context(technical));
  return { text: `${ticket.ref}: ${ticketTitle(ticket)} — ${ticket.state.replace(/_/g, ' ')}`, blocks };
}

/**
 * The technical section: internal names DBAs may need to find a run in logs and queues (job ids,
 * workers), kept out of every other message.
 */
export function technicalText(attempt: number, events: readonly TicketEvent[]): string | null {
  const latest = (key: 'jobId' | 'worker'): string | undefined =>
    [...events]
      .reverse()
      .map((e) => e.note[key])
      .find((v): v is string => typeof v === 'string');
  const job = latest('jobId');
  const worker = latest('worker');
  if (!job && !worker && attempt <= 1) return null;
  const parts = [
    `Attempt ${attempt}`,
    ...(job ? [`job ${code(job)}`] : []),
    ...(worker ? [`last run on ${code(worker)}`] : []),
  ];
  return `*Technical:* ${parts.join(' · ')}`;
}

const ACTION_WORDS: Record<TicketEvent['action'], string> = {
  submit: 'opened the ticket',
  review_passed: 'review passed',
  review_blocked: 'review blocked it',
  auto_approve: 'approved it automatically',
  request_exception: 'asked DBAs for an exception',
  add_approval: 'approved',
  approve: 'approved',
  reject: 'rejected',
  expire: 'expired it: nobody decided in time',
  remind: 'reminded the DBAs',
  escalate: 'escalated it',
  enqueue: 'handed it to the queue',
  start: 'started it',
  succeed: 'finished it',
  fail: 'failed',
  retry: 'retried it',
  cancel: 'cancelled',
  osc_cleanup: 'cleaned up what pt-online-schema-change left',
};

/** `2026-11-24 10:02 UTC · <@U1> approved (1 of 2) → awaiting approval` */
export function historyLine(event: TicketEvent, timezone: string): string {
  const who = event.actor === BOT_ACTOR ? 'dbops' : `<@${event.actor}>`;
  const details = noteDetails(event);
  const move = event.fromState === event.toState ? '' : ` → ${event.toState.replace(/_/g, ' ')}`;
  return `${formatInZone(event.at, timezone)} · ${who} ${ACTION_WORDS[event.action]}${details}${move}`;
}

function noteDetails(event: TicketEvent): string {
  const n = event.note;
  const parts: string[] = [];
  if (typeof n.grade === 'string') parts.push(`grade ${n.grade}`);
  if (typeof n.errors === 'number' && n.errors > 0) parts.push(`${n.errors} error${n.errors === 1 ? '' : 's'}`);
  if (typeof n.approvals === 'number' && typeof n.needed === 'number') parts.push(`${n.approvals} of ${n.needed}`);
  if (n.exception === true && (event.action === 'approve' || event.action === 'add_approval')) parts.push('exception');
  if (Array.isArray(n.dropped) && n.dropped.length > 0)
    parts.push(`dropped ${n.dropped.map((name) => code(String(name))).join(', ')}`);
  const reason = typeof n.reason === 'string' ? `: ${quoted(n.reason, 200)}` : '';
  return `${parts.length > 0 ? ` (${parts.join(', ')})` : ''}${reason}`;
}
