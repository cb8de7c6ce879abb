import type { HomeView, KnownBlock } from '@slack/types';
import type { Ticket } from '../../tickets/ticket.js';
import { ids } from '../ids.js';
import { code, context, divider, header, section } from '../../text/blocks.js';
import type { Grant } from '../../accounts/grant-store.js';
import { grantActions, grantLine } from './grants.js';
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
  /** The user's active grants (`/dbops grant`), with their expiry. */
  grants?: readonly Grant[];
  /** The answer to the user's last click here ("T-42 was already approved by …"). */
  notice?: string;
  /** For DBAs: every cluster at a glance (from the monitor's firing alerts), with a Top button. */
  clusters?: readonly ClusterGlance[];
}

/** A cluster as the App Home shows it to DBAs. */
export interface ClusterGlance {
  name: string;
  env: string;
  /** Instances the monitor says are down. */
  down: string[];
  /** The replica-lag alert's value (e.g. "95 s"), when one fires. */
  lag?: string;
  firing: number;
}

/** Clusters listed in Home (one block each). */
export const HOME_CLUSTERS_MAX = 15;

function clusterBlocks(clusters: readonly ClusterGlance[]): KnownBlock[] {
  const blocks: KnownBlock[] = [divider(), section('*Clusters*')];
  for (const c of clusters.slice(0, HOME_CLUSTERS_MAX)) {
    const state =
      c.down.length > 0
        ? `:red_circle: down: ${c.down.map(code).join(', ')}`
        : c.firing > 0
          ? ':large_orange_circle: up'
          : ':large_green_circle: up';
    const lag = c.lag ? ` · lag ${c.lag}` : '';
    const firing = c.firing > 0 ? ` · ${c.firing} alert${c.firing === 1 ? '' : 's'} firing` : ' · no alerts';
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${c.name}* (${c.env}) · ${state}${lag}${firing}`, verbatim: true },
      accessory: {
        type: 'button',
        action_id: ids.diagnose.top,
        text: { type: 'plain_text', text: 'Top' },
        value: c.name,
      },
    });
  }
  if (clusters.length > HOME_CLUSTERS_MAX)
    blocks.push(context(`…and ${clusters.length - HOME_CLUSTERS_MAX} more: \`/dbops clusters\`.`));
  return blocks;
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
  if (input.grants && input.grants.length > 0) {
    blocks.push(divider(), section('*Your active grants*'));
    for (const grant of input.grants.slice(0, HOME_LIST_MAX))
      blocks.push(section(grantLine(grant)), grantActions(grant, ['revoke']));
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
  if (dba && input.clusters && input.clusters.length > 0) blocks.push(...clusterBlocks(input.clusters));
  blocks.push(
    divider(),
    context('`/dbops tickets [mine|pending|all]` lists tickets; `/dbops ticket T-42` shows one with its history.'),
  );
  return { type: 'home', blocks: blocks.slice(0, 100) };
}
