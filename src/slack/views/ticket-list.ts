import type { KnownBlock } from '@slack/types';
import { formatInZone } from '../../tickets/run-time.js';
import type { Ticket } from '../../tickets/ticket.js';
import { code, context, header, LIMITS, section, type Message } from '../../text/blocks.js';
import {
  actionsIfAny,
  approvalsText,
  buttonsFor,
  stateText,
  targetOf,
  ticketTitle,
  actorMention,
} from './ticket-parts.js';

export const TICKET_SCOPES = ['mine', 'pending', 'all'] as const;
export type TicketScope = (typeof TICKET_SCOPES)[number];

export interface TicketListInput {
  scope: TicketScope;
  tickets: readonly Ticket[];
  viewer: { user: string; dba: boolean };
  /** Time zone per cluster; UTC for any not listed. */
  zones: Readonly<Record<string, string>>;
  /** The store had more than it returned. */
  more: boolean;
}

const TITLES: Record<TicketScope, string> = { mine: 'My tickets', pending: 'Waiting for a DBA', all: 'All tickets' };
const EMPTY: Record<TicketScope, string> = {
  mine: `You have no tickets yet. ${code('/dbops exec cluster.schema <sql>')} asks for a change.`,
  pending: 'Nothing is waiting for a DBA.',
  all: 'There are no tickets yet.',
};

/** One line about a ticket: ref, state, what, where, who, when. */
export function ticketLine(ticket: Ticket, timezone: string): string {
  const waiting =
    ticket.state === 'awaiting_approval' || ticket.state === 'awaiting_exception' ? ` (${approvalsText(ticket)})` : '';
  const title = ticketTitle(ticket).replace(targetOf(ticket), code(targetOf(ticket)));
  return `*${ticket.ref}* · ${stateText(ticket.state)}${waiting}\n${title} · ${actorMention(ticket.requester)} · ${formatInZone(ticket.createdAt, timezone)}`;
}

/** `/dbops tickets [mine|pending|all]`: newest first (pending: oldest first), with the buttons the viewer can use. */
export function ticketListMessage(input: TicketListInput): Message {
  const { scope, tickets, viewer, zones } = input;
  const blocks: KnownBlock[] = [header(TITLES[scope])];
  if (tickets.length === 0) return { text: EMPTY[scope], blocks: [...blocks, section(EMPTY[scope])] };
  let shown = 0;
  for (const ticket of tickets) {
    const actions = actionsIfAny(
      ticket,
      buttonsFor(ticket, { dba: viewer.dba, requester: viewer.user === ticket.requester }),
    );
    if (blocks.length + 1 + actions.length > LIMITS.blocks - 1) break;
    blocks.push(section(ticketLine(ticket, zones[ticket.cluster] ?? 'UTC')), ...actions);
    shown++;
  }
  if (input.more || shown < tickets.length)
    blocks.push(
      context(`Showing the first ${shown}. ${code('/dbops ticket T-<id>')} shows one ticket with its history.`),
    );
  else blocks.push(context(`${code('/dbops ticket T-<id>')} shows one ticket with its history.`));
  return { text: `${TITLES[scope]}: ${tickets.map((t) => t.ref).join(', ')}`, blocks };
}
