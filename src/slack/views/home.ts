import type { HomeView, KnownBlock } from '@slack/types';
import type { Ticket } from '../../tickets/ticket.js';
import { code, context, divider, header, section } from './blocks.js';
import { ticketLine } from './ticket-list.js';
import { actionsIfAny, buttonsFor, reviewText } from './ticket-parts.js';

/** Home tabs take 100 blocks; each list keeps to this many tickets (two blocks each). */
export const HOME_LIST_MAX = 20;

export interface HomeInput {
  user: string;
  dba: boolean;
  /** The user's tickets that have not ended, newest first. */
  mine: readonly Ticket[];
  /** For DBAs: tickets waiting for a decision, oldest first. */
  pending: readonly Ticket[];
  zones: Readonly<Record<string, string>>;
  /** The answer to the user's last click here ("T-42 was already approved by …"). */
  notice?: string;
}

/** The App Home tab: my open tickets, and for DBAs the approvals waiting, with their buttons. */
export function homeView(input: HomeInput): HomeView {
  const { user, dba, zones } = input;
  const blocks: KnownBlock[] = [header('dbops')];
  if (input.notice) blocks.push(section(input.notice), divider());
  blocks.push(section('*Your open tickets*'));
  if (input.mine.length === 0)
    blocks.push(
      context(`None. ${code('/dbops exec cluster.schema <sql>')} asks for a change; \`/dbops help\` lists everything.`),
    );
  for (const ticket of input.mine.slice(0, HOME_LIST_MAX)) {
    blocks.push(
      section(ticketLine(ticket, zones[ticket.cluster] ?? 'UTC')),
      ...actionsIfAny(ticket, buttonsFor(ticket, { dba, requester: ticket.requester === user })),
    );
  }
  if (dba) {
    blocks.push(
      divider(),
      section(
        `*Waiting for a DBA* (${input.pending.length}${input.pending.length > HOME_LIST_MAX ? `, oldest ${HOME_LIST_MAX} shown` : ''})`,
      ),
    );
    if (input.pending.length === 0) blocks.push(context('Nothing is waiting for approval.'));
    for (const ticket of input.pending.slice(0, HOME_LIST_MAX)) {
      const own = ticket.requester === user ? '\n_Your own ticket: another DBA has to decide it._' : '';
      blocks.push(
        section(`${ticketLine(ticket, zones[ticket.cluster] ?? 'UTC')}\nReview: ${reviewText(ticket)}${own}`),
      );
      blocks.push(
        ...actionsIfAny(
          ticket,
          buttonsFor(ticket, { dba, requester: ticket.requester === user }).filter((k) => k !== 'cancel'),
        ),
      );
    }
  }
  blocks.push(
    divider(),
    context('`/dbops tickets [mine|pending|all]` lists tickets; `/dbops ticket T-42` shows one with its history.'),
  );
  return { type: 'home', blocks: blocks.slice(0, 100) };
}
