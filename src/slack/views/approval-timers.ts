import { formatRoughSeconds, formatSeconds } from '../../kernel/format.js';
import type { Ticket } from '../../tickets/ticket.js';
import { context, section, type Message } from '../../text/blocks.js';
import { actionsIfAny, reviewText, ticketTitle } from './ticket-parts.js';

/** The DBAs as a mention: the user group when there is one, else each configured DBA. */
export function dbaMention(slack: { dba_usergroup?: string; dba_users: readonly string[] }): string {
  if (slack.dba_usergroup) return `<!subteam^${slack.dba_usergroup}>`;
  if (slack.dba_users.length === 0) return 'DBAs';
  return slack.dba_users.map((u) => `<@${u}>`).join(' ');
}

/** The one reminder in the ticket's thread (policy.remind_after of business hours without a decision). */
export function reminderReply(ticket: Ticket, waited: number, mention: string): Message {
  const text = `:bell: ${mention} *${ticket.ref}* (${ticketTitle(ticket)}) has waited ${formatRoughSeconds(waited)} of business hours for a decision.`;
  return {
    text: `${ticket.ref} is still waiting for a DBA`,
    blocks: [
      section(text),
      context(`Requested by <@${ticket.requester}> · review: ${reviewText(ticket)}`),
      ...actionsIfAny(ticket, ['approve', 'reject']),
    ],
  };
}

/** To slack.escalation_channel when the reminder did not help. */
export function escalationMessage(ticket: Ticket, waited: number, mention: string, permalink: string | null): Message {
  const where = permalink ? `<${permalink}|the request>` : `\`/dbops ticket ${ticket.ref}\``;
  const text = `:rotating_light: ${mention} *${ticket.ref}* (${ticketTitle(ticket)}, requested by <@${ticket.requester}>) has waited ${formatRoughSeconds(waited)} of business hours, reminder included, for a DBA. See ${where}.`;
  return { text: `${ticket.ref} is waiting for a DBA: escalated`, blocks: [section(text)] };
}

/** In the thread, when nobody decided within policy.expire_after. */
export function expiredReply(ticket: Ticket, after: number): Message {
  const text = `:hourglass: ${ticket.ref} expired: no DBA decided it within ${formatSeconds(after)}. Nothing was run. If it is still needed, ask again.`;
  return { text, blocks: [section(text)] };
}

/** The requester's DM when their ticket expired. */
export function expiredNotice(ticket: Ticket, after: number, permalink: string | null): Message {
  const where = permalink ? ` · <${permalink}|thread>` : '';
  const text = `:hourglass: Your change expired: no DBA decided it within ${formatSeconds(after)}, so nothing was run. If it is still needed, ask again.\n*${ticket.ref}* · ${ticketTitle(ticket)}${where}`;
  return { text: `${ticket.ref} expired without a decision`, blocks: [section(text)] };
}
