import type { Migration } from './index.js';

/**
 * What the weekly digest needs that nothing else keeps:
 * - `monitor_near_misses`: episodes of a level check's value at 80 % or more of its warning level
 *   without reaching it — from when, until when, and how they ended. `last_seen` is refreshed every
 *   few minutes, so the episode of a worker that died ends as stale instead of lasting forever.
 * - `digest_snapshots`: the top statement digests of each cluster as each digest saw them, so the
 *   next one can say "3× the time of last week".
 */
export const m011WeeklyDigest: Migration = {
  version: 11,
  name: 'weekly digest',
  statements: [
    `CREATE TABLE IF NOT EXISTS monitor_near_misses (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      cluster VARCHAR(64) NOT NULL,
      instance VARCHAR(255) NOT NULL,
      check_id VARCHAR(32) NOT NULL,
      since DATETIME(3) NOT NULL COMMENT 'first poll at 80 % of the warning level or more',
      last_seen DATETIME(3) NOT NULL,
      ended_at DATETIME(3) NULL,
      ended_how VARCHAR(8) NULL COMMENT 'dropped (back under 80 %) | fired (reached the warning level) | stale (no poll saw it)',
      is_open TINYINT NULL COMMENT '1 while it lasts, NULL after: the unique key allows one open episode per check',
      peak_ratio DOUBLE NOT NULL COMMENT 'highest value ÷ warning level seen',
      peak_shown VARCHAR(64) NOT NULL,
      warning_shown VARCHAR(64) NOT NULL,
      UNIQUE KEY uq_near_open (cluster, instance, check_id, is_open),
      KEY idx_near_since (since)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='episodes of a value just under its warning level, for the weekly digest'`,
    `CREATE TABLE IF NOT EXISTS digest_snapshots (
      cluster VARCHAR(64) NOT NULL,
      taken_at DATETIME(3) NOT NULL,
      digest_hash CHAR(40) NOT NULL COMMENT 'sha1 of schema and normalised statement',
      schema_name VARCHAR(64) NULL,
      digest_text TEXT NOT NULL,
      source VARCHAR(24) NOT NULL COMMENT 'performance_schema (totals since the counters started) | slow_log (the week)',
      calls BIGINT UNSIGNED NOT NULL,
      total_seconds DOUBLE NOT NULL,
      week_seconds DOUBLE NULL COMMENT 'the week''s share of total_seconds, when known',
      PRIMARY KEY (cluster, taken_at, digest_hash)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='top statement digests as each weekly digest saw them'`,
  ],
};
