import type { KnownBlock } from '@slack/types';
import type { RunRecord } from '../../queue/run-rows.js';
import { formatInZone } from '../../tickets/run-time.js';
import type { HandOff } from '../../tickets/service.js';
import type { Ticket } from '../../tickets/ticket.js';
import { context, LIMITS, plainToMrkdwn, quoted, section, type Message } from '../../text/blocks.js';
import { actionsIfAny, approvalsText, reviewText, ticketActions, ticketTitle } from './ticket-parts.js';
import { finishedNotice } from './ticket-progress.js';

/** A link to the ticket's message, or nothing when there is none. */
function link(permalink: string | null | undefined, label = 'the request'): string {
  return permalink ? `<${permalink}|${label}>` : label;
}

/** When it starts, said only when that is not now (the status message shows it start); a queue problem. */
export function handOffText(handOff: HandOff, timezone: string): string {
  if (!handOff.queued) return `:warning: ${handOff.message}`;
  if (!handOff.startsLater) return '';
  const peak = handOff.delayedByPeak ? ' (moved out of the cluster’s peak hours)' : '';
  return `Queued: it starts at ${formatInZone(handOff.startAt, timezone)}${peak}.`;
}

/** Does an approval need its own thread reply? Only when the run does not follow at once (the status message would say the rest). */
export function approvalNeedsReply(handOff: HandOff): boolean {
  return !handOff.queued || handOff.startsLater;
}

function joined(...parts: string[]): string {
  return parts.filter((p) => p.trim() !== '').join(' ');
}

/** To the requester after `/dbops exec`: the ticket waits for DBAs. */
export function ticketOpenedMessage(ticket: Ticket, permalink: string | null): Message {
  const needs = `${ticket.approvalsNeeded} DBA approval${ticket.approvalsNeeded === 1 ? '' : 's'}`;
  const kind = ticket.exception ? 'as an exception request' : 'for approval';
  const text = `:inbox_tray: *${ticket.ref}* (${ticketTitle(ticket)}) is with the DBAs ${kind}; it needs ${needs}. See ${link(permalink)}. I will tell you in the thread and by DM when it is decided.`;
  return {
    text: `${ticket.ref} is waiting for DBA approval`,
    blocks: [section(text), context(`Review: ${reviewText(ticket)}`), ...actionsIfAny(ticket, ['cancel'])],
  };
}

/** To the requester when the approval channel could not take the request. */
export function announceFailedMessage(ticket: Ticket, channel: string, error: string): Message {
  const text = `:warning: *${ticket.ref}* is open and waiting for approval, but I could not post it in <#${channel}> (${error}). Ask a DBA to invite me there; meanwhile DBAs can approve it from my App Home or \`/dbops tickets pending\`.`;
  return { text, blocks: [section(text), ...actionsIfAny(ticket, ['cancel'])] };
}

/** To the requester: a clean review on an environment that needs no approval. */
export function autoApprovedMessage(
  ticket: Ticket,
  handOff: HandOff,
  permalink: string | null,
  timezone: string,
): Message {
  const text = `:white_check_mark: *${ticket.ref}* (${ticketTitle(ticket)}) passed its review and was approved automatically: ${ticket.environment} needs no DBA approval. ${joined(handOffText(handOff, timezone), `Progress goes to ${link(permalink, 'its thread')}.`)}`;
  return {
    text: `${ticket.ref} was approved automatically`,
    blocks: [section(text), ...actionsIfAny(ticket, ['cancel'])],
  };
}

/** A repeat of a request already made: the ticket it opened. */
export function duplicateMessage(ticket: Ticket, permalink: string | null): Message {
  const text = `This request already opened *${ticket.ref}* (${ticket.state.replace(/_/g, ' ')}); see ${link(permalink)}.`;
  return { text, blocks: [section(text)] };
}

/**
 * To the requester: the review found errors, so the ticket does not go to DBAs by itself. The
 * review's own blocks (findings with why and how to fix), then the way forward.
 */
export function ticketBlockedMessage(ticket: Ticket, reviewBlocks: readonly KnownBlock[]): Message {
  const intro = section(
    `:no_entry: *${ticket.ref}* is blocked: its review found errors, and a change with errors does not go to DBAs by itself. Fix the SQL and run \`/dbops exec\` again, or ask DBAs for an exception with a reason.`,
  );
  const room = LIMITS.blocks - 2;
  const review =
    reviewBlocks.length > room
      ? [
          ...reviewBlocks.slice(0, room - 1),
          context('More findings than fit here: `/dbops review` the SQL for the full report.'),
        ]
      : [...reviewBlocks];
  return {
    text: `${ticket.ref} is blocked by its review (${reviewText(ticket)})`,
    blocks: [intro, ...review, ticketActions(ticket, ['requestException', 'cancel'])],
  };
}

/** Replaces the blocked answer once the exception request is with DBAs. */
export function exceptionRequestedMessage(ticket: Ticket, permalink: string | null): Message {
  const text = `:rotating_light: *${ticket.ref}* went to the DBAs as an exception request; see ${link(permalink)}. I will tell you in the thread and by DM when it is decided.`;
  return { text, blocks: [section(text), ...actionsIfAny(ticket, ['cancel'])] };
}

// ---- the ticket's thread and the requester's DM --------------------------------------------

/** In the thread: one more approval of several. */
export function approvalRecordedReply(ticket: Ticket, approver: string, remaining: number): Message {
  const text = `:ballot_box_with_check: <@${approver}> approved ${ticket.ref} (${approvalsText(ticket)}); ${remaining} more from a different DBA needed.`;
  return { text, blocks: [section(text)] };
}

/** In the thread: the final approval and the hand-over to the queue. */
export function approvedReply(ticket: Ticket, approver: string, handOff: HandOff, timezone: string): Message {
  const exception = ticket.exception ? ' as an *exception* over its review' : '';
  const text = joined(
    `:white_check_mark: <@${approver}> approved ${ticket.ref}${exception}.`,
    handOffText(handOff, timezone),
  );
  return { text, blocks: [section(text)] };
}

/** In the thread: an automatic approval. */
export function autoApprovedReply(ticket: Ticket, handOff: HandOff, timezone: string): Message {
  const text = joined(
    `:white_check_mark: ${ticket.ref} passed its review and was approved automatically (${ticket.environment} needs no DBA approval).`,
    handOffText(handOff, timezone),
  );
  return { text, blocks: [section(text)] };
}

/** In the thread: an approved ticket handed to the queue late (the queue was down, or the bot stopped in between). */
export function resumedReply(ticket: Ticket, handOff: HandOff, timezone: string): Message {
  const text = joined(
    `:arrows_counterclockwise: ${ticket.ref} was approved but not yet queued; it is handed over now.`,
    handOffText(handOff, timezone),
  );
  return { text, blocks: [section(text)] };
}

/** In the thread: a DBA retried the failed ticket. */
export function retriedReply(ticket: Ticket, by: string): Message {
  const text = `:repeat: <@${by}> retried ${ticket.ref}: attempt ${ticket.attempt} is queued; what attempt ${ticket.attempt - 1} completed is not run again.`;
  return { text, blocks: [section(text)] };
}

/** To the DBA who retried. */
export function retriedNote(ticket: Ticket): string {
  return `You retried ${ticket.ref}: attempt ${ticket.attempt} is queued. Progress goes to its thread.`;
}

export function rejectedReply(ticket: Ticket, by: string, reason: string | null): Message {
  const text = `:x: <@${by}> rejected ${ticket.ref}${reason ? `: ${quoted(reason, 1500)}` : '.'}`;
  return { text, blocks: [section(text)] };
}

export function cancelledReply(ticket: Ticket, by: string, jobRemoved: boolean): Message {
  const job = jobRemoved ? ' Its queued job was taken out of the queue.' : '';
  const text = `:no_entry_sign: <@${by}> cancelled ${ticket.ref}.${job}`;
  return { text, blocks: [section(text)] };
}

/** What the requester hears about by DM: raw data (a reason as the DBA typed it); the view escapes it. */
export type RequesterNews =
  | { kind: 'approved'; by: string; handOff: HandOff; timezone: string }
  | { kind: 'rejected'; by: string; reason: string | null }
  | { kind: 'cancelled'; by: string }
  | { kind: 'run-ended'; run: RunRecord };

function newsText(ticket: Ticket, news: RequesterNews): string {
  switch (news.kind) {
    case 'approved': {
      const exception = ticket.exception ? ' as an exception' : '';
      return joined(
        `:white_check_mark: <@${news.by}> approved your change${exception}.`,
        handOffText(news.handOff, news.timezone) || 'It starts now.',
      );
    }
    case 'rejected':
      return `:x: <@${news.by}> rejected your change${news.reason ? `: ${quoted(news.reason, 1500)}` : '.'}`;
    case 'cancelled':
      return `:no_entry_sign: <@${news.by}> cancelled your change.`;
    case 'run-ended':
      return finishedNotice(ticket, news.run);
  }
}

/** The requester's DM after a decision or a run: what happened, to which ticket, and where to look. */
export function requesterNotice(ticket: Ticket, news: RequesterNews, permalink: string | null): Message {
  const what = newsText(ticket, news);
  const text = `${what}\n*${ticket.ref}* · ${ticketTitle(ticket)} · ${link(permalink, 'thread')}`;
  return { text: `${ticket.ref}: ${what}`, blocks: [section(text)] };
}

/** A private "no" (or "done") for whoever clicked or typed; `text` is mrkdwn (it may mention people). */
export function privateNote(text: string, icon = ':no_entry:'): Message {
  return { text, blocks: [section(`${icon} ${text}`)] };
}

/** A private note of plain text (an error's message, which may quote what the user typed): escaped here. */
export function problemNote(text: string, icon = ':warning:'): Message {
  return privateNote(plainToMrkdwn(text), icon);
}
