import type { ActionsBlock, Button, HomeView, KnownBlock } from '@slack/types';
import type { Grant } from '../../accounts/grant-store.js';
import { formatSeconds, plural } from '../../kernel/format.js';
import type { Alert } from '../../monitor/alert-store.js';
import { alertTitle } from '../../monitor/titles.js';
import type { Ticket } from '../../tickets/ticket.js';
import { code, context, divider, escapeMrkdwn, header, plainToMrkdwn, section, truncate } from '../../text/blocks.js';
import { ids } from '../ids.js';
import { SEVERITY_ICON, where } from './alert-group.js';
import { grantActions, grantLine } from './grants.js';
import { ticketApprovalMessage } from './ticket-approval.js';
import { ticketLine } from './ticket-list.js';
import { actionsIfAny, buttonsFor, type TicketViewInput, ticketTitle } from './ticket-parts.js';
import { progressBar } from './ticket-progress.js';

/** Slack's limit of blocks in a Home tab. */
export const HOME_BLOCKS_MAX = 100;
/** How many of each list Home reads; the view shows what fits and counts the rest. */
export const HOME_LIST_MAX = 20;
/** Lists of lines (tickets, grants, running jobs, alerts) show at most this many each. */
const LINES_SHOWN = 8;
/** Clusters listed in Home (one block each). */
export const HOME_CLUSTERS_MAX = 10;
/** Runbooks get a Run… button each, in one actions block. */
const RUNBOOK_BUTTONS = 5;

export interface HomeInput {
  user: string;
  dba: boolean;
  /** The user's tickets that have not ended, newest first. */
  mine: readonly Ticket[];
  /** For DBAs: tickets waiting for a decision, oldest first (the count shown is this list's length, or `pendingTotal`). */
  pending: readonly Ticket[];
  zones: Readonly<Record<string, string>>;
  /** The user's active grants (`/dbops grant`), with their expiry. */
  grants?: readonly Grant[];
  /** The answer to the user's last click here ("T-42 was already approved by …"). */
  notice?: string;
  /** For DBAs: every cluster at a glance (from the monitor's firing alerts), with a Top button. */
  clusters?: readonly ClusterGlance[];
  /** Links to tickets' threads (chat.getPermalink), by ticket id. */
  threadLinks?: Readonly<Record<number, string>>;
  /** For DBAs: the waiting tickets' full approval cards (the first few of `pending`), in order. */
  cards?: readonly TicketViewInput[];
  /** For DBAs: tickets running now with their run's progress. */
  running?: readonly RunningGlance[];
  /** For DBAs: the alerts firing now. */
  alerts?: ReadonlyArray<
    Pick<
      Alert,
      | 'cluster'
      | 'instance'
      | 'checkId'
      | 'subject'
      | 'severity'
      | 'valueText'
      | 'summary'
      | 'ackedBy'
      | 'firedAt'
      | 'firstSeenAt'
    >
  >;
  /** For DBAs: last night's backups, once a backup source exists (`backups:` in dbops.yml); absent: none configured. */
  backups?: readonly BackupGlance[];
  /** The runbooks of dbops.yml, by name (a Run… button each). */
  runbooks?: readonly string[];
  now?: Date;
}

/** A cluster as the App Home shows it to DBAs. */
export interface ClusterGlance {
  name: string;
  env: string;
  /** `host:port` of its primary as dbops knows it now (after a switchover, the recorded one). */
  primary: string;
  replicas: number;
  /** A primary-down alert fires (failure detection, `ha:`). */
  primaryDown?: boolean;
  /** Instances the monitor says are down. */
  down: string[];
  /** The replica-lag alert's value (e.g. "95 s"), when one fires. */
  lag?: string;
  firing: number;
}

/** A running ticket and what its run last said (src/queue/run-rows.ts). */
export interface RunningGlance {
  ticket: Ticket;
  /** 0…1, when the job knows it. */
  progress: number | null;
  progressText: string | null;
}

/**
 * One cluster's last backup, for the DBAs' "Last night's backups" (filled in by the backup engine
 * once it exists; until then Home says none are configured).
 */
export interface BackupGlance {
  cluster: string;
  ok: boolean;
  /** e.g. "B-12 · 02:00 · 4.2 GB in 6 min · verified". */
  text: string;
}

/** The form buttons everyone gets at the top of Home. */
function formButtons(): ActionsBlock {
  const button = (text: string, actionId: string, primary = false): Button => ({
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text },
    ...(primary ? { style: 'primary' as const } : {}),
  });
  const elements = [
    button('Request a change', ids.home.requestChange, true),
    button('Review SQL', ids.home.reviewSql),
    button('Migrate data', ids.home.migrate),
    button('Request access', ids.home.requestAccess),
  ];
  return { type: 'actions', block_id: ids.home.formsBlock, elements };
}

function runbookButtons(runbooks: readonly string[]): KnownBlock[] {
  if (runbooks.length === 0) return [];
  const more =
    runbooks.length > RUNBOOK_BUTTONS ? ` · ${runbooks.length - RUNBOOK_BUTTONS} more: \`/dbops runbooks\`` : '';
  return [
    context(`*Run a runbook* (${runbooks.length})${more}`),
    {
      type: 'actions',
      block_id: ids.home.runbooksBlock,
      elements: runbooks.slice(0, RUNBOOK_BUTTONS).map(
        (name): Button => ({
          type: 'button',
          action_id: `${ids.runbookActions.open}.${name}`.slice(0, 255),
          text: { type: 'plain_text', text: truncate(`Run ${name}…`, 75) },
          value: name,
        }),
      ),
    },
  ];
}

/** `*Title* (3)` with the count, and what is cut: "and 4 more — /dbops tickets". */
function heading(title: string, count: number): KnownBlock {
  return section(`*${title}* (${count})`);
}

function andMore(count: number, shown: number, command: string): KnownBlock[] {
  return count > shown ? [context(`and ${count - shown} more — ${code(command)}`)] : [];
}

function myTickets(input: HomeInput): KnownBlock[] {
  const { mine, zones, user, dba } = input;
  const blocks: KnownBlock[] = [heading('Your open tickets', mine.length)];
  if (mine.length === 0)
    blocks.push(context('None. *Request a change* above asks for one; `/dbops help` lists everything.'));
  for (const ticket of mine.slice(0, LINES_SHOWN)) {
    const link = input.threadLinks?.[ticket.id];
    const thread = link ? ` · <${link}|thread>` : '';
    blocks.push(
      section(`${ticketLine(ticket, zones[ticket.cluster] ?? 'UTC')}${thread}`),
      ...actionsIfAny(ticket, buttonsFor(ticket, { dba, requester: ticket.requester === user })),
    );
  }
  blocks.push(...andMore(mine.length, LINES_SHOWN, '/dbops tickets mine'));
  return blocks;
}

function myGrants(grants: readonly Grant[]): KnownBlock[] {
  if (grants.length === 0) return [];
  const blocks: KnownBlock[] = [divider(), heading('Your active grants', grants.length)];
  for (const grant of grants.slice(0, LINES_SHOWN))
    blocks.push(section(grantLine(grant)), grantActions(grant, ['revoke']));
  blocks.push(...andMore(grants.length, LINES_SHOWN, '/dbops grants mine'));
  return blocks;
}

/** The approval card of a ticket as in the approval channel, with its actions block id made unique for Home. */
function card(input: TicketViewInput, user: string): KnownBlock[] {
  const blocks = ticketApprovalMessage(input).blocks.map(
    (b): KnownBlock => (b.type === 'actions' ? { ...b, block_id: `${ids.home.cardPrefix}${input.ticket.id}` } : b),
  );
  if (input.ticket.requester === user) blocks.push(context('_Your own ticket: another DBA has to decide it._'));
  return blocks;
}

function running(list: readonly RunningGlance[]): KnownBlock[] {
  const blocks: KnownBlock[] = [divider(), heading('Running now', list.length)];
  if (list.length === 0) blocks.push(context('No job is running.'));
  for (const r of list.slice(0, LINES_SHOWN)) {
    const bar = r.progress !== null ? ` \`${progressBar(r.progress)}\`` : '';
    const text = r.progressText ? `\n${plainToMrkdwn(truncate(r.progressText, 200))}` : '';
    blocks.push(
      section(`*${r.ticket.ref}* · ${escapeMrkdwn(ticketTitle(r.ticket))} · <@${r.ticket.requester}>${bar}${text}`),
    );
  }
  blocks.push(...andMore(list.length, LINES_SHOWN, '/dbops tickets all'));
  return blocks;
}

function firing(alerts: NonNullable<HomeInput['alerts']>, now: Date): KnownBlock[] {
  const blocks: KnownBlock[] = [divider(), heading('Alerts firing', alerts.length)];
  if (alerts.length === 0) blocks.push(context(':white_check_mark: No alerts are firing.'));
  const critical = [...alerts].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));
  for (const a of critical.slice(0, LINES_SHOWN)) {
    const since = a.firedAt ?? a.firstSeenAt;
    const acked = a.ackedBy ? ` · _acknowledged by <@${a.ackedBy}>_` : '';
    blocks.push(
      section(
        `${SEVERITY_ICON[a.severity]} *${escapeMrkdwn(a.cluster)}* · ${escapeMrkdwn(alertTitle(a.checkId))}${where(a)} — ${plainToMrkdwn(a.valueText || truncate(a.summary, 120))} · for ${formatSeconds((now.getTime() - since.getTime()) / 1000)}${acked}`,
      ),
    );
  }
  blocks.push(...andMore(alerts.length, LINES_SHOWN, '/dbops alerts'));
  return blocks;
}

/** Last night's backups: a slot the backup engine fills (`backups` in HomeInput); until then it says none are configured. */
function backups(list: readonly BackupGlance[] | undefined): KnownBlock[] {
  if (!list) return [divider(), section("*Last night's backups*"), context('No backups are configured.')];
  const failed = list.filter((b) => !b.ok).length;
  const lines = list
    .slice(0, LINES_SHOWN)
    .map((b) => `${b.ok ? ':white_check_mark:' : ':x:'} *${escapeMrkdwn(b.cluster)}* · ${plainToMrkdwn(b.text)}`);
  return [
    divider(),
    section(`*Last night's backups* (${list.length}${failed > 0 ? `, ${failed} failed` : ''})`),
    ...(lines.length > 0 ? [section(lines.join('\n'))] : [context('No backup ran last night.')]),
  ];
}

/** The Clusters heading, with "Switchover…" (the switchover form) when a cluster has a replica to promote. */
function clustersHeading(clusters: readonly ClusterGlance[]): KnownBlock {
  const heading = `*Clusters* (${clusters.length})`;
  if (!clusters.some((c) => c.replicas > 0)) return section(heading);
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: heading },
    accessory: {
      type: 'button',
      action_id: ids.home.switchover,
      text: { type: 'plain_text', text: 'Switchover…' },
    },
  };
}

function clusterBlocks(clusters: readonly ClusterGlance[]): KnownBlock[] {
  const blocks: KnownBlock[] = [divider(), clustersHeading(clusters)];
  for (const c of clusters.slice(0, HOME_CLUSTERS_MAX)) {
    const state = c.primaryDown
      ? `:red_circle: primary down`
      : c.down.length > 0
        ? `:red_circle: down: ${c.down.map(code).join(', ')}`
        : c.firing > 0
          ? ':large_orange_circle: up'
          : ':large_green_circle: up';
    const lag = c.lag ? ` · lag ${c.lag}` : '';
    const alerts = c.firing > 0 ? ` · ${c.firing} alert${c.firing === 1 ? '' : 's'} firing` : ' · no alerts';
    const topology = ` · primary ${code(c.primary)}${c.replicas > 0 ? ` + ${plural(c.replicas, 'replica')}` : ''}`;
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${c.name}* (${c.env})${topology} · ${state}${lag}${alerts}`, verbatim: true },
      accessory: {
        type: 'button',
        action_id: ids.diagnose.top,
        text: { type: 'plain_text', text: 'Top' },
        value: c.name,
      },
    });
  }
  blocks.push(...andMore(clusters.length, HOME_CLUSTERS_MAX, '/dbops clusters'));
  return blocks;
}

/** The DBA's waiting approvals: full cards while they fit in `budget` blocks, then a count of the rest. */
function waiting(input: HomeInput, budget: number): KnownBlock[] {
  const count = input.pending.length;
  const blocks: KnownBlock[] = [divider(), header(`Waiting for a DBA (${count})`)];
  if (count === 0) return [...blocks, context('Nothing is waiting for approval.')];
  const cards =
    input.cards ??
    input.pending.map((ticket) => ({ ticket, events: [], timezone: input.zones[ticket.cluster] ?? 'UTC' }));
  let shown = 0;
  for (const c of cards) {
    const next = card(c, input.user);
    // keep one block for "and N more"
    if (blocks.length + next.length + 1 > budget) break;
    blocks.push(...next, divider());
    shown++;
  }
  if (shown < count) blocks.push(context(`and ${count - shown} more — ${code('/dbops tickets pending')}`));
  return blocks;
}

/**
 * The App Home tab, a dashboard. Everyone: the forms (Request a change, Review SQL, Migrate data,
 * Request access, runbooks), their open tickets with a link to each thread, their active grants.
 * DBAs also: the tickets waiting for them as full approval cards, what runs now, the alerts firing,
 * last night's backups and the clusters (primary and replicas, with Top; Switchover… opens its form). Never over Slack's 100 blocks: the cards get
 * what the rest leaves, and every cut list says how many more there are and where to see them.
 */
export function homeView(input: HomeInput): HomeView {
  const { dba } = input;
  const now = input.now ?? new Date();
  const top: KnownBlock[] = [header('dbops')];
  if (input.notice) top.push(section(input.notice), divider());
  top.push(formButtons(), ...runbookButtons(input.runbooks ?? []));
  const rest: KnownBlock[] = [];
  if (dba) {
    rest.push(...running(input.running ?? []));
    if (input.alerts) rest.push(...firing(input.alerts, now));
    rest.push(...backups(input.backups));
    if (input.clusters && input.clusters.length > 0) rest.push(...clusterBlocks(input.clusters));
  }
  const mine = [divider(), ...myTickets(input), ...myGrants(input.grants ?? [])];
  const footer = [
    divider(),
    context('`/dbops tickets [mine|pending|all]` lists tickets; `/dbops ticket T-42` shows one with its history.'),
  ];
  const fixed = top.length + rest.length + mine.length + footer.length;
  const middle = dba ? waiting(input, HOME_BLOCKS_MAX - fixed) : [];
  const blocks = [...top, ...middle, ...mine, ...rest, ...footer];
  return { type: 'home', blocks: blocks.slice(0, HOME_BLOCKS_MAX) };
}
