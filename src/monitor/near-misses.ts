import type { Pool } from 'mysql2/promise';
import type { AlertScope } from './alert-store.js';
import type { Check, CheckContext, InstanceSample } from './types.js';

/** A value at this share of its warning level or more, without reaching it, is a near miss. */
export const NEAR_RATIO = 0.8;
/** An open episode's `last_seen` is written at most this often (and when its peak rises). */
export const NEAR_REFRESH_MS = 5 * 60_000;
/** An open episode no poll refreshed for this long ended when it was last seen (its worker died). */
export const NEAR_STALE_MS = 3 * NEAR_REFRESH_MS;

export interface NearMiss {
  checkId: string;
  ratio: number;
  shown: string;
  warningShown: string;
}

/** What the level checks measured on one poll: value ÷ warning level per check that had a value, and the near misses. */
export interface NearMissPoll {
  ratios: ReadonlyMap<string, number>;
  near: readonly NearMiss[];
}

export function measureNearMisses(checks: readonly Check[], sample: InstanceSample, ctx: CheckContext): NearMissPoll {
  const ratios = new Map<string, number>();
  const near: NearMiss[] = [];
  for (const check of checks) {
    const m = check.measure?.(sample, ctx);
    if (!m || m.warning <= 0) continue;
    const ratio = m.value / m.warning;
    ratios.set(check.id, ratio);
    if (ratio >= NEAR_RATIO && ratio < 1)
      near.push({ checkId: check.id, ratio, shown: m.shown, warningShown: m.warningShown });
  }
  return { ratios, near };
}

interface OpenEpisode {
  writtenAt: number;
  peak: number;
}

/**
 * Records near-miss episodes in the meta database (`monitor_near_misses`). Polls of one instance
 * may run on any worker; each keeps what it wrote in memory to write rarely, and the database
 * decides: one open episode per instance and check (a unique key), a stale one is closed first.
 */
export class NearMissTracker {
  private readonly open = new Map<string, Map<string, OpenEpisode>>();

  constructor(private readonly meta: Pool) {}

  async record(scope: AlertScope, poll: NearMissPoll, now: Date): Promise<void> {
    const key = `${scope.cluster}|${scope.instance}`;
    const firstPoll = !this.open.has(key);
    const known = this.open.get(key) ?? new Map<string, OpenEpisode>();
    this.open.set(key, known);
    for (const miss of poll.near) {
      const episode = known.get(miss.checkId);
      if (episode && now.getTime() - episode.writtenAt < NEAR_REFRESH_MS && miss.ratio <= episode.peak) continue;
      await this.touch(scope, miss, now);
      known.set(miss.checkId, { writtenAt: now.getTime(), peak: Math.max(miss.ratio, episode?.peak ?? 0) });
    }
    const nearIds = new Set(poll.near.map((n) => n.checkId));
    for (const [checkId, ratio] of poll.ratios) {
      if (nearIds.has(checkId) || (!firstPoll && !known.has(checkId))) continue;
      known.delete(checkId);
      const how = ratio >= 1 ? 'fired' : 'dropped';
      await this.meta.query(
        `UPDATE monitor_near_misses SET ended_at = ?, ended_how = ?, is_open = NULL
          WHERE cluster = ? AND instance = ? AND check_id = ? AND is_open = 1`,
        [now, how, scope.cluster, scope.instance, checkId],
      );
    }
  }

  private async touch(scope: AlertScope, miss: NearMiss, now: Date): Promise<void> {
    const where = [scope.cluster, scope.instance, miss.checkId];
    await this.meta.query(
      `UPDATE monitor_near_misses SET ended_at = last_seen, ended_how = 'stale', is_open = NULL
        WHERE cluster = ? AND instance = ? AND check_id = ? AND is_open = 1 AND last_seen < ?`,
      [...where, new Date(now.getTime() - NEAR_STALE_MS)],
    );
    await this.meta.query(
      `INSERT INTO monitor_near_misses
         (cluster, instance, check_id, since, last_seen, is_open, peak_ratio, peak_shown, warning_shown)
       VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)
       ON DUPLICATE KEY UPDATE
         peak_shown = IF(VALUES(peak_ratio) > peak_ratio, VALUES(peak_shown), peak_shown),
         peak_ratio = GREATEST(peak_ratio, VALUES(peak_ratio)),
         warning_shown = VALUES(warning_shown),
         last_seen = VALUES(last_seen)`,
      [...where, now, now, miss.ratio, miss.shown, miss.warningShown],
    );
  }
}
