import type { InstallationId } from '../db/installation.js';
import type { Pool } from 'mysql2/promise';
import type { DbopsConfig } from '../config/schema.js';
import type { Logger } from '../kernel/logger.js';
import { downInstances, type AlertGroupView, type AlertNews, type AlertSink, type PostedAlert } from './alert-sink.js';
import {
  alertStore,
  fingerprintOf,
  toOpenAlert,
  type Alert,
  type AlertGroup,
  type AlertScope,
  type Db,
} from './alert-store.js';
import { checkById } from './checks/index.js';
import { createClusterLock } from './cluster-lock.js';
import { reconcile, type AlertChange, type LifecycleSettings } from './lifecycle.js';
import type { Condition, Severity } from './types.js';
import { findCluster } from '../config/clusters.js';
import { toError } from '../kernel/errors.js';

export interface Clock {
  now(): Date;
}

export interface AlertServiceDeps {
  meta: Pool;
  /** This installation: its alert locks are named after it. */
  installation: InstallationId;
  /** Where alerts are shown (src/slack/alert-announcer.ts). */
  sink: AlertSink;
  config: Pick<DbopsConfig, 'slack' | 'clusters' | 'monitors'>;
  logger: Logger;
  clock: Clock;
}

/** An alert raised by another part of dbops (a failed ticket job): it fires at once. */
export interface RaiseAlert {
  cluster: string;
  /** `host:port`, or omitted for the cluster as a whole. */
  instance?: string;
  /** What it is about, e.g. `ticket-failed`; with `subject`, one open alert per (cluster, instance, checkId, subject). */
  checkId: string;
  /** e.g. the ticket ref `T-42`. */
  subject?: string;
  severity: Severity;
  summary: string;
  value?: string;
  threshold?: string;
  details?: Record<string, unknown>;
}

export type AlertActionResult = { ok: true; alert: Alert } | { ok: false; message: string };

/** Value-only edits of a cluster's message happen at most this often (severity changes at once). */
const RENDER_EVERY_MS = 60_000;

export type AlertService = ReturnType<typeof createAlertService>;

/**
 * The alert lifecycle in the meta database and its messages in the alert channel: one message per
 * cluster while alerts fire, edited as they change, thread replies for new, escalated, resolved and
 * re-notified alerts, and an all-clear shown in the channel when the last one ends. Every state
 * change is written first; announcements still owed (a crash, Slack down) are made by the next
 * poll of the cluster or the sweep, so a restart neither repeats a post nor loses a resolve.
 */
export function createAlertService(deps: AlertServiceDeps) {
  const { meta, sink, config, logger, clock } = deps;
  const withClusterLock = createClusterLock(meta, deps.installation);
  const monitors = config.monitors;
  const lifecycle: LifecycleSettings = {
    fireAfterPolls: monitors.fire_after_polls,
    resolveAfterPolls: monitors.resolve_after_polls,
    isEvent: (checkId) => checkById(checkId)?.kind === 'event',
    firesAtOnce: (checkId) => checkById(checkId)?.firesAtOnce === true,
    quietMs: (checkId) => (checkId === 'deadlocks' ? monitors.deadlocks.quiet_minutes * 60_000 : 0),
  };
  const zoneOf = (cluster: string) => findCluster(config, cluster)?.timezone ?? 'UTC';
  const envOf = (cluster: string) => findCluster(config, cluster)?.env ?? 'unknown';

  /** One poll's verdict on an instance: `evaluated` are the checks it could judge, `conditions` what held. */
  async function recordPoll(
    scope: AlertScope,
    evaluated: readonly string[],
    conditions: readonly Condition[],
  ): Promise<AlertChange[]> {
    // The common case, a healthy instance with nothing open, costs one indexed read and no lock.
    const open = await alertStore.openForInstance(meta, scope);
    if (open.length === 0 && conditions.length === 0) return [];
    return withClusterLock(scope.cluster, async (db) => {
      const now = clock.now();
      const current = (await alertStore.openForInstance(db, scope)).map(toOpenAlert).filter((a) => a !== null);
      const changes = reconcile(current, conditions, new Set(evaluated), now, lifecycle);
      await alertStore.apply(db, scope, changes, now);
      if (changes.some(isAnnounceable)) await announce(db, scope.cluster);
      return changes;
    });
  }

  async function raise(input: RaiseAlert): Promise<{ id: number }> {
    const scope = { cluster: input.cluster, instance: input.instance ?? '' };
    const condition: Condition = {
      checkId: input.checkId,
      subject: input.subject ?? '',
      severity: input.severity,
      summary: input.summary,
      value: input.value ?? '',
      threshold: input.threshold ?? '',
      details: input.details,
    };
    return withClusterLock(input.cluster, async (db) => {
      const now = clock.now();
      const existing = await alertStore.openByFingerprint(db, fingerprintOf(scope, input.checkId, condition.subject));
      let id: number;
      // A raised alert is edited on purpose (the outcome of what it announced): its message shows the
      // new text at once, not at the next value-only render (RENDER_EVERY_MS, meant for noisy polls).
      const edited =
        existing !== null &&
        (existing.summary !== input.summary ||
          existing.severity !== input.severity ||
          JSON.stringify(existing.details ?? null) !== JSON.stringify(input.details ?? null));
      if (existing) {
        await alertStore.apply(
          db,
          scope,
          [
            {
              type: 'update',
              id: existing.id,
              condition,
              hits: existing.hits + 1,
              occurrences: existing.occurrences + 1,
              fires: existing.state === 'pending',
              severityChanged: existing.severity !== input.severity,
              valueChanged: true,
            },
          ],
          now,
        );
        id = existing.id;
      } else {
        id = await alertStore.insert(db, scope, condition, { state: 'firing', kind: 'manual', now });
      }
      await announce(db, input.cluster, { rerender: edited });
      return { id };
    });
  }

  /** End a raised alert (the retried job succeeded), saying what ended it when `resolution` is given; false when none was open. */
  async function resolve(
    key: { cluster: string; instance?: string; checkId: string; subject?: string },
    by: string | null = null,
    resolution?: string,
  ): Promise<boolean> {
    const fingerprint = fingerprintOf(
      { cluster: key.cluster, instance: key.instance ?? '' },
      key.checkId,
      key.subject ?? '',
    );
    return withClusterLock(key.cluster, async (db) => {
      const alert = await alertStore.openByFingerprint(db, fingerprint);
      if (!alert) return false;
      const closed = await alertStore.resolve(db, alert.id, clock.now(), by, resolution);
      await announce(db, key.cluster);
      return closed;
    });
  }

  async function acknowledge(alertId: number, user: string): Promise<AlertActionResult> {
    const found = await alertStore.get(meta, alertId);
    if (!found) return { ok: false, message: `There is no alert ${alertId}.` };
    return withClusterLock(found.cluster, async (db): Promise<AlertActionResult> => {
      const now = clock.now();
      const alert = await alertStore.get(db, alertId);
      if (!alert || alert.state === 'resolved') return { ok: false, message: 'That alert is already resolved.' };
      if (!(await alertStore.acknowledge(db, alert.id, user, now))) {
        return {
          ok: false,
          message: alert.ackedBy ? `<@${alert.ackedBy}> already acknowledged that alert.` : 'That alert is not firing.',
        };
      }
      // A raised alert (a failed job) has no poll to end it: acknowledging closes it.
      if (alert.kind === 'manual') await alertStore.resolve(db, alert.id, now, user);
      await announce(db, alert.cluster, { rerender: true });
      return { ok: true, alert: (await alertStore.get(db, alert.id)) ?? alert };
    });
  }

  async function silence(
    alertId: number,
    user: string,
    durationMs: number,
  ): Promise<AlertActionResult & { until?: Date }> {
    const found = await alertStore.get(meta, alertId);
    if (!found) return { ok: false, message: `There is no alert ${alertId}.` };
    return withClusterLock(found.cluster, async (db) => {
      const now = clock.now();
      const alert = await alertStore.get(db, alertId);
      if (!alert || alert.state === 'resolved') return { ok: false, message: 'That alert is already resolved.' };
      const until = new Date(now.getTime() + durationMs);
      await alertStore.silence(db, alert.fingerprint, until, user, now);
      await announce(db, alert.cluster, { rerender: true });
      return { ok: true, alert, until };
    });
  }

  /**
   * Housekeeping, run every minute by the monitor worker: announcements still owed (after a crash or
   * a Slack failure), alerts whose silence ended, value changes not yet shown, and re-notification
   * of firing alerts nobody acknowledged.
   */
  async function sweep(): Promise<void> {
    const now = clock.now();
    await alertStore.unquietExpired(meta, now);
    for (const cluster of await alertStore.clustersOwingAnnouncements(meta)) {
      await withClusterLock(cluster, (db) => announce(db, cluster)).catch((err: unknown) =>
        logger.warn('could not announce alerts', { cluster }, toError(err)),
      );
    }
    if (monitors.renotify_minutes <= 0) return;
    for (const group of await alertStore.openGroups(meta)) {
      await withClusterLock(group.cluster, (db) => renotify(db, group.id)).catch((err: unknown) =>
        logger.warn('could not re-notify alerts', { cluster: group.cluster }, toError(err)),
      );
    }
  }

  async function renotify(db: Db, groupId: number): Promise<void> {
    const now = clock.now();
    const group = await alertStore.group(db, groupId);
    if (!group?.open || !group.channel || !group.ts) return;
    const alerts = await alertStore.ofGroup(db, group.id);
    const firing = alerts.filter((a) => a.state === 'firing' && a.announced === 'firing');
    const silences = await alertStore.activeSilences(
      db,
      firing.map((a) => a.fingerprint),
      now,
    );
    const down = downInstances(alerts);
    const dueAt = (a: Alert) =>
      (a.notifiedAt ?? a.firedAt ?? a.firstSeenAt).getTime() + monitors.renotify_minutes * 60_000;
    const due = firing.filter(
      (a) =>
        !a.ackedBy &&
        !silences.has(a.fingerprint) &&
        !(down.has(a.instance) && a.checkId !== 'down') &&
        dueAt(a) <= now.getTime(),
    );
    if (due.length === 0) return;
    await sink.renotify({ channel: group.channel, ts: group.ts }, group.cluster, due, now);
    await alertStore.setNotified(
      db,
      due.map((a) => a.id),
      now,
    );
  }

  /**
   * Bring the cluster's message in line with the store: post or edit it, reply for new, escalated
   * and resolved alerts, close the group when nothing fires. Holds the cluster lock (via `db`).
   */
  async function announce(db: Db, cluster: string, options: { rerender?: boolean } = {}): Promise<void> {
    const now = clock.now();
    const owed = await alertStore.needingAnnouncement(db, cluster);
    let group = await alertStore.openGroup(db, cluster);
    if (owed.length === 0 && !(options.rerender && group)) return;
    const silences = await alertStore.activeSilences(
      db,
      owed.map((a) => a.fingerprint),
      now,
    );
    const isNew = (a: Alert) => a.state === 'firing' && a.announced === null;
    // Fired while silenced: recorded, listed by /dbops alerts, not posted; ended while silenced: nothing to say.
    await alertStore.markAnnounced(
      db,
      owed.filter((a) => isNew(a) && silences.has(a.fingerprint)).map((a) => a.id),
      'quiet',
    );
    await alertStore.markAnnounced(
      db,
      owed.filter((a) => a.state === 'resolved' && a.announced === 'quiet').map((a) => a.id),
      'resolved',
    );
    const fresh = owed.filter((a) => isNew(a) && !silences.has(a.fingerprint));
    const resolved = owed.filter((a) => a.state === 'resolved' && a.announced === 'firing');
    const changed = owed.filter((a) => a.state === 'firing' && a.announced === 'firing' && a.dirty > 0);
    const escalated = changed.filter((a) => a.dirty === 2 && a.severity === 'critical');
    if (fresh.length === 0 && resolved.length === 0 && escalated.length === 0 && !options.rerender) {
      if (
        changed.length === 0 ||
        !group ||
        (group.renderedAt && now.getTime() - group.renderedAt.getTime() < RENDER_EVERY_MS)
      )
        return;
    }
    if (!group) {
      if (fresh.length === 0) {
        // Nothing new to show and no message to edit (its group was closed): settle the rows quietly.
        await alertStore.markAnnounced(
          db,
          resolved.map((a) => a.id),
          'resolved',
        );
        await alertStore.clearDirty(
          db,
          changed.map((a) => a.id),
        );
        return;
      }
      group = await alertStore.createGroup(db, cluster, now);
    }
    await alertStore.setGroup(
      db,
      fresh.map((a) => a.id),
      group.id,
    );
    const members = await alertStore.ofGroup(db, group.id);
    const closing = members.every((a) => a.state === 'resolved');
    const view: AlertGroupView = {
      cluster,
      env: envOf(cluster),
      timezone: zoneOf(cluster),
      alerts: members,
      silences: await alertStore.activeSilences(
        db,
        members.map((a) => a.fingerprint),
        now,
      ),
      closed: closing,
      now,
    };
    const hadMessage = Boolean(group.channel && group.ts);
    const posted = await showGroupMessage(db, group, view, now);
    /** One thread reply naming `alerts` (none when empty); `broadcast` also shows it in the channel. */
    const reply = async (alerts: readonly Alert[], news: AlertNews, broadcast: boolean) => {
      if (alerts.length > 0) await sink.news(posted, news, cluster, alerts, broadcast);
    };
    if (hadMessage)
      await reply(
        fresh,
        'new',
        fresh.some((a) => a.severity === 'critical'),
      );
    await reply(escalated, 'escalated', true);
    if (resolved.length > 0) await reply(resolved, closing ? 'all-clear' : 'resolved', closing);
    await alertStore.markAnnounced(
      db,
      fresh.map((a) => a.id),
      'firing',
      { groupId: group.id, notifiedAt: now },
    );
    await alertStore.markAnnounced(
      db,
      resolved.map((a) => a.id),
      'resolved',
    );
    await alertStore.clearDirty(
      db,
      changed.map((a) => a.id),
    );
    if (closing) await alertStore.closeGroup(db, group.id, now);
    logger.info('alert message updated', {
      cluster,
      fired: fresh.length,
      resolved: resolved.length,
      escalated: escalated.length,
      closed: closing,
    });
  }

  /** Post the group's message, or edit it; a message someone deleted is posted again. */
  async function showGroupMessage(db: Db, group: AlertGroup, view: AlertGroupView, now: Date): Promise<PostedAlert> {
    if (group.channel && group.ts) {
      const at = { channel: group.channel, ts: group.ts };
      const code = await sink.updateGroup(at, view);
      if (code === null) {
        await alertStore.setGroupRendered(db, group.id, now);
        return at;
      }
      logger.warn('the alert message is gone; posting it again', { cluster: group.cluster, code });
    }
    const posted = await sink.postGroup(view);
    await alertStore.setGroupMessage(db, group.id, posted.channel, posted.ts, now);
    return posted;
  }

  return {
    recordPoll,
    raise,
    resolve,
    acknowledge,
    silence,
    sweep,
    /** Firing alerts (all clusters, or one), for /dbops alerts. */
    firing: (cluster?: string) => alertStore.firing(meta, cluster),
    pendingCount: () => alertStore.pendingCount(meta),
    /** Active silences of these alerts. */
    silences: (alerts: readonly Alert[]) =>
      alertStore.activeSilences(
        meta,
        alerts.map((a) => a.fingerprint),
        clock.now(),
      ),
    /** The open group message of a cluster (for links). */
    openGroup: (cluster: string) => alertStore.openGroup(meta, cluster),
    zoneOf,
  };
}

function isAnnounceable(change: AlertChange): boolean {
  if (change.type === 'resolve') return true;
  if (change.type === 'create') return change.state === 'firing';
  if (change.type === 'update') return change.fires || change.severityChanged || change.valueChanged;
  return false;
}
