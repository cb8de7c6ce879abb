import type { BackupGlance } from './views/home.js';
import { findCluster } from '../config/clusters.js';
import { endpointName } from '../db/connection-options.js';
import type { DbopsConfig } from '../config/schema.js';
import type { Grant } from '../accounts/grant-store.js';
import type { Logger } from '../kernel/logger.js';
import type { RunRecord } from '../queue/run-rows.js';
import { lookupTable, own } from '../own.js';
import type { DbaDirectory } from '../tickets/dba-directory.js';
import type { HandOff } from '../tickets/service.js';
import { FINAL_STATES, TICKET_STATES } from '../tickets/state-machine.js';
import type { TicketStore } from '../tickets/store.js';
import type { Ticket } from '../tickets/ticket.js';
import { Notifier } from './notifier.js';
import type { Message } from '../text/blocks.js';
import { HOME_LIST_MAX, homeView, type ClusterGlance, type HomeInput } from './views/home.js';

/** Tickets of the user's whose thread link Home shows (a chat.getPermalink each). */
const HOME_LINKS = 8;
/** Waiting tickets Home reads the history of, for their full cards (what fits of them is shown). */
const HOME_CARDS = 6;
import type { Alert } from '../monitor/alert-store.js';
import { sqlPreview, ticketApprovalMessage, ticketDetailsReply } from './views/ticket-approval.js';
import { ticketSql } from './views/ticket-parts.js';
import { stopRequestedReply } from './views/ticket-progress.js';
import {
  approvalNeedsReply,
  approvalRecordedReply,
  approvedReply,
  autoApprovedReply,
  cancelledReply,
  rejectedReply,
  requesterNotice,
  resumedReply,
  retriedReply,
  type RequesterNews,
} from './views/ticket-replies.js';
import { toError } from '../kernel/errors.js';
import { dbaMention, escalationMessage, expiredNotice, expiredReply, reminderReply } from './views/approval-timers.js';

export interface TicketAnnouncerDeps {
  slack: Notifier;
  store: TicketStore;
  dbas: DbaDirectory;
  config: Pick<DbopsConfig, 'slack' | 'clusters'> & Partial<Pick<DbopsConfig, 'runbooks'>>;
  logger: Logger;
  /** The monitor's firing alerts, for the alerts and clusters DBAs see in Home; without it Home lists no alerts. */
  firingAlerts?: () => Promise<Alert[]>;
  /** A running ticket's run (progress), for the DBAs' Home (src/queue/run-store.ts). */
  runs?: (ticket: Ticket) => Promise<Pick<RunRecord, 'progress' | 'progressText'> | null>;
  /** The user's active grants, for the App Home (src/accounts/grant-store.ts). */
  grants?: { list(filter: { requester: string; states: ['active'] }): Promise<Grant[]> };
  /** DBAs' backup section of the App Home (each backed-up cluster's newest set and success rate). */
  backupHome?: () => Promise<BackupGlance[]>;
}

const OPEN_STATES = TICKET_STATES.filter((s) => !FINAL_STATES.includes(s));

export type Published =
  | { ok: true; ticket: Ticket; permalink: string | null }
  | { ok: false; ticket: Ticket; error: string };

export type TicketAnnouncer = ReturnType<typeof createTicketAnnouncer>;

/**
 * Everything dbops says about tickets in Slack: the approval message (posted once, then edited in
 * place from the store), the ticket's thread, the requester's DM and the App Home. Edits of one
 * ticket's message run one at a time and always render the latest stored state, so racing clicks
 * can't leave an older state on screen.
 */
export function createTicketAnnouncer(deps: TicketAnnouncerDeps) {
  const { slack, store, logger } = deps;
  const chains = new Map<number, Promise<unknown>>();
  const zones = lookupTable(Object.entries(deps.config.clusters).map(([name, c]) => [name, c.timezone] as const));
  const zoneOf = (ticket: Pick<Ticket, 'cluster'>): string => own(zones, ticket.cluster) ?? 'UTC';
  /** Where a ticket's data goes besides its own cluster (a migration's destination): its environment. */
  const destinationOf = (ticket: Ticket): string | undefined => {
    const elsewhere = ticket.about.writesTo[0];
    return elsewhere === undefined ? undefined : findCluster(deps.config, elsewhere)?.env;
  };

  /** Run `work` after every earlier piece of work on the same ticket. */
  const serially = <T>(ticketId: number, work: () => Promise<T>): Promise<T> => {
    const previous = chains.get(ticketId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    chains.set(ticketId, settled);
    void settled.then(() => {
      if (chains.get(ticketId) === settled) chains.delete(ticketId);
    });
    return next;
  };

  /** A Slack step that must not stop the ones after it: logged, never thrown. */
  const safely = async (step: string, ticket: Pick<Ticket, 'ref'>, work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
    } catch (err) {
      logger.warn('a Slack update for a ticket failed', { step, ticket: ticket.ref }, toError(err));
    }
  };

  const render = async (ticket: Ticket): Promise<Message> =>
    ticketApprovalMessage({
      ticket,
      events: await store.events(ticket.id),
      timezone: zoneOf(ticket),
      destinationEnvironment: destinationOf(ticket),
    });

  async function permalink(ticket: Ticket): Promise<string | null> {
    const { approvalChannel, approvalTs } = ticket.slack;
    if (!approvalChannel || !approvalTs) return null;
    try {
      const res = await slack.client.chat.getPermalink({ channel: approvalChannel, message_ts: approvalTs });
      return res.permalink ?? null;
    } catch (err) {
      logger.warn('could not get a permalink', { ticket: ticket.ref }, toError(err));
      return null;
    }
  }

  /** The whole SQL as a file when the card had to cut it, and every finding, as the first replies in the thread. */
  async function postDetails(ticket: Ticket, channel: string, threadTs: string): Promise<void> {
    const sql = ticketSql(ticket);
    const sqlAsFile = sql !== null && sqlPreview(sql).cut;
    const details = ticketDetailsReply(ticket, { sqlAsFile });
    if (details) await slack.post(channel, details, { threadTs });
    if (sql !== null && sqlAsFile) {
      await slack.upload(
        channel,
        { filename: `${ticket.ref}.sql`, title: `${ticket.ref}: the full SQL`, content: sql },
        { threadTs, comment: `The full SQL of ${ticket.ref}.` },
      );
    }
  }

  /**
   * Post the ticket's message in the approval channel (with buttons while it waits for DBAs) and
   * remember where it is; its thread becomes the ticket's thread. Posting twice edits instead.
   */
  function publish(ticketId: number): Promise<Published> {
    return serially(ticketId, async (): Promise<Published> => {
      const ticket = await store.get(ticketId);
      if (!ticket) throw new Error(`ticket ${ticketId} vanished`);
      if (ticket.slack.approvalChannel && ticket.slack.approvalTs) {
        await slack.update(ticket.slack.approvalChannel, ticket.slack.approvalTs, await render(ticket));
        return { ok: true, ticket, permalink: await permalink(ticket) };
      }
      const channel = deps.config.slack.approval_channel;
      let posted: Awaited<ReturnType<typeof slack.post>>;
      try {
        posted = await slack.post(channel, await render(ticket));
      } catch (err) {
        logger.error('could not post a ticket in the approval channel', { ticket: ticket.ref, channel }, toError(err));
        return { ok: false, ticket, error: slackError(err) };
      }
      const saved =
        (await store.setSlackRefs(ticket.id, {
          approvalChannel: posted.channel,
          approvalTs: posted.ts,
          threadChannel: posted.channel,
          threadTs: posted.ts,
        })) ?? ticket;
      await safely('details', ticket, () => postDetails(saved, posted.channel, posted.ts));
      return { ok: true, ticket: saved, permalink: await permalink(saved) };
    });
  }

  /** Refreshes waiting to start, per ticket: a burst of clicks needs only one more edit. */
  const queuedRefresh = new Map<number, Promise<void>>();

  /** Re-render the approval message from what the store holds now. */
  function refresh(ticketId: number): Promise<void> {
    const queued = queuedRefresh.get(ticketId);
    if (queued) return queued;
    const next = serially(ticketId, async () => {
      queuedRefresh.delete(ticketId);
      const ticket = await store.get(ticketId);
      if (!ticket?.slack.approvalChannel || !ticket.slack.approvalTs) return;
      const { approvalChannel, approvalTs } = ticket.slack;
      await safely('refresh', ticket, async () => slack.update(approvalChannel, approvalTs, await render(ticket)));
    });
    queuedRefresh.set(ticketId, next);
    return next;
  }

  async function threadReply(ticket: Ticket, message: Message): Promise<void> {
    const { threadChannel, threadTs } = ticket.slack;
    if (!threadChannel || !threadTs) return;
    await safely('thread reply', ticket, () => slack.post(threadChannel, message, { threadTs }));
  }

  async function dmRequester(ticket: Ticket, news: RequesterNews): Promise<void> {
    const link = await permalink(ticket);
    await safely('dm', ticket, () => slack.dm(ticket.requester, requesterNotice(ticket, news, link)));
  }

  return {
    publish,
    refresh,
    permalink,
    zoneOf,
    zones,

    async approvalRecorded(ticket: Ticket, approver: string, remaining: number): Promise<void> {
      await refresh(ticket.id);
      await threadReply(ticket, approvalRecordedReply(ticket, approver, remaining));
    },

    async approved(ticket: Ticket, approver: string, handOff: HandOff): Promise<void> {
      await refresh(ticket.id);
      // Starting now: the message above says who approved, and the run's status message follows in
      // the thread. A reply would race it (and often land after "started").
      if (approvalNeedsReply(handOff))
        await threadReply(ticket, approvedReply(ticket, approver, handOff, zoneOf(ticket)));
      await dmRequester(ticket, { kind: 'approved', by: approver, handOff, timezone: zoneOf(ticket) });
    },

    /** A clean review on an environment with no approvals: record it in the channel and thread. */
    async autoApproved(ticket: Ticket, handOff: HandOff): Promise<Published> {
      const published = await publish(ticket.id);
      if (published.ok && approvalNeedsReply(handOff))
        await threadReply(published.ticket, autoApprovedReply(published.ticket, handOff, zoneOf(ticket)));
      return published;
    },

    /** A hand-over `resumeHandOffs` made at start-up. */
    async resumed(ticket: Ticket, handOff: HandOff): Promise<void> {
      await refresh(ticket.id);
      await threadReply(ticket, resumedReply(ticket, handOff, zoneOf(ticket)));
    },

    /** A DBA retried a failed ticket (before its job is queued): the message loses its Retry button, the thread says which attempt. */
    async retried(ticket: Ticket, by: string): Promise<void> {
      await refresh(ticket.id);
      await threadReply(ticket, retriedReply(ticket, by));
    },

    async rejected(ticket: Ticket, by: string, reason: string | null): Promise<void> {
      await refresh(ticket.id);
      await threadReply(ticket, rejectedReply(ticket, by, reason));
      await dmRequester(ticket, { kind: 'rejected', by, reason });
    },

    async cancelled(ticket: Ticket, by: string, jobRemoved: boolean): Promise<void> {
      await refresh(ticket.id);
      await threadReply(ticket, cancelledReply(ticket, by, jobRemoved));
      if (by !== ticket.requester) await dmRequester(ticket, { kind: 'cancelled', by });
    },

    /** A Cancel on a running ticket: the workers holding it were asked to stop at a safe point. */
    async stopRequested(ticket: Ticket, by: string, reason: string | null): Promise<void> {
      await threadReply(ticket, stopRequestedReply(ticket, by, reason));
    },

    /** A run ended (the job runner): the approval message shows it, and the requester hears it by DM. */
    async runFinished(ticket: Ticket, run: RunRecord): Promise<void> {
      await refresh(ticket.id);
      if (ticket.slack.threadChannel) await dmRequester(ticket, { kind: 'run-ended', run });
    },

    /** Approval timers (src/tickets/approval-timers.ts): the one reminder, in the ticket's thread. */
    async remind(ticket: Ticket, waited: number): Promise<void> {
      await threadReply(ticket, reminderReply(ticket, waited, dbaMention(deps.config.slack)));
    },

    /** Still waiting after the reminder: a note in slack.escalation_channel with a link to the request. */
    async escalate(ticket: Ticket, channel: string, waited: number): Promise<void> {
      const link = await permalink(ticket);
      await slack.post(channel, escalationMessage(ticket, waited, dbaMention(deps.config.slack), link));
    },

    /** Nobody decided in time: the message loses its buttons, the thread and the requester hear it. */
    async expired(ticket: Ticket, after: number): Promise<void> {
      await refresh(ticket.id);
      await threadReply(ticket, expiredReply(ticket, after));
      const link = await permalink(ticket);
      await safely('dm', ticket, () => slack.dm(ticket.requester, expiredNotice(ticket, after, link)));
    },

    /** Publish the user's App Home: the dashboard (src/slack/views/home.ts). */
    async publishHome(user: string, notice?: string): Promise<void> {
      const dba = await deps.dbas.isDba(user);
      const [mine, pending, grants] = await Promise.all([
        store.listMine(user, { states: OPEN_STATES, limit: HOME_LIST_MAX }),
        dba ? store.listPending({ limit: HOME_LIST_MAX }) : Promise.resolve([]),
        deps.grants ? deps.grants.list({ requester: user, states: ['active'] }) : Promise.resolve([]),
      ]);
      const threadLinks = Object.fromEntries(
        (await Promise.all(mine.slice(0, HOME_LINKS).map(async (t) => [t.id, await permalink(t)] as const))).filter(
          (entry): entry is readonly [number, string] => entry[1] !== null,
        ),
      );
      const dashboard = dba ? await dbaDashboard(pending) : {};
      const backups =
        dba && deps.backupHome
          ? await deps.backupHome().catch((err: unknown) => {
              deps.logger.warn('could not read backups for the App Home', {}, toError(err));
              return [];
            })
          : undefined;
      await slack.client.views.publish({
        user_id: user,
        view: homeView({
          user,
          dba,
          mine,
          pending,
          zones,
          notice,
          grants,
          threadLinks,
          runbooks: (deps.config.runbooks ?? []).map((r) => r.name),
          ...dashboard,
          ...(backups && backups.length > 0 ? { backups } : {}),
        }),
      });
    },
  };

  /** What only DBAs see: full cards of the oldest waiting tickets, running jobs, firing alerts, clusters. */
  async function dbaDashboard(pending: readonly Ticket[]): Promise<Partial<HomeInput>> {
    const [cards, running, firing] = await Promise.all([
      Promise.all(
        pending.slice(0, HOME_CARDS).map(async (ticket) => ({
          ticket,
          events: await store.events(ticket.id),
          timezone: zoneOf(ticket),
          destinationEnvironment: destinationOf(ticket),
        })),
      ),
      store.list({ states: ['running'], limit: HOME_LIST_MAX, order: 'oldest' }).then((tickets) =>
        Promise.all(
          tickets.map(async (ticket) => {
            const run = deps.runs ? await deps.runs(ticket).catch(() => null) : null;
            return { ticket, progress: run?.progress ?? null, progressText: run?.progressText ?? null };
          }),
        ),
      ),
      readFiring(deps),
    ]);
    return { cards, running, alerts: firing ?? undefined, clusters: glances(deps, firing ?? []) };
  }
}

/** The monitor's firing alerts; null when there is no monitor or it could not be read (Home lists clusters without). */
async function readFiring(deps: TicketAnnouncerDeps): Promise<Alert[] | null> {
  if (!deps.firingAlerts) return null;
  return deps.firingAlerts().catch((err: unknown) => {
    deps.logger.warn('could not read firing alerts for the App Home', {}, toError(err));
    return null;
  });
}

/** Each configured cluster (its primary as dbops knows it now) with what the monitor's firing alerts say of it. */
function glances(deps: TicketAnnouncerDeps, firing: readonly Alert[]): ClusterGlance[] {
  return Object.entries(deps.config.clusters).map(([name, cluster]) => {
    const mine = firing.filter((a) => a.cluster === name);
    const lag = mine.find((a) => a.checkId === 'replica-lag');
    return {
      name,
      env: cluster.env,
      primary: endpointName(cluster.primary),
      replicas: cluster.replicas.length,
      primaryDown: mine.some((a) => a.checkId === 'primary-down'),
      down: mine.filter((a) => a.checkId === 'down').map((a) => a.instance),
      ...(lag ? { lag: lag.valueText } : {}),
      firing: mine.length,
    };
  });
}

function slackError(err: unknown): string {
  if (Notifier.isNotInChannel(err)) return 'I am not in that channel';
  return slackErrorCode(err) ?? 'Slack refused the message';
}

/** The `error` of a Slack platform error (`{ data: { error: 'channel_not_found' } }`). */
export function slackErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('data' in err)) return undefined;
  const data = err.data;
  if (typeof data !== 'object' || data === null || !('error' in data)) return undefined;
  return typeof data.error === 'string' ? data.error : undefined;
}
