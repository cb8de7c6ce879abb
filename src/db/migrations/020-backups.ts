import type { Migration } from './index.js';

/**
 * Backup sets (`B-<id>`): one row per run of a backup, whatever its outcome, so `/dbops backups`
 * can say how many runs of the last 30 days succeeded. A set is `good` only once its files and its
 * manifest are complete (a compare-and-set on `run_token`, the fence of the run that wrote it);
 * a run whose worker died stays `running` until the sweep finds its lock free and fails it.
 */
export const m020Backups: Migration = {
  version: 20,
  name: 'backup sets',
  statements: [
    `CREATE TABLE IF NOT EXISTS backup_sets (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      cluster VARCHAR(64) NOT NULL,
      state VARCHAR(16) NOT NULL COMMENT 'running | good | failed | removed',
      trigger_kind VARCHAR(16) NOT NULL COMMENT 'schedule | catch-up | manual',
      requested_by VARCHAR(32) NULL COMMENT 'Slack user id of a manual backup',
      attempt INT UNSIGNED NOT NULL DEFAULT 1 COMMENT 'try of the run (retries after a failure)',
      run_token CHAR(32) NOT NULL COMMENT 'the fence: only the run that created the row may finish it',
      worker VARCHAR(255) NOT NULL,
      tool VARCHAR(16) NOT NULL COMMENT 'mydumper | mariadb-dump',
      source VARCHAR(255) NOT NULL COMMENT 'host:port the set was taken from',
      path VARCHAR(1024) NOT NULL,
      started_at DATETIME(3) NOT NULL,
      finished_at DATETIME(3) NULL,
      bytes BIGINT UNSIGNED NULL,
      table_rows BIGINT UNSIGNED NULL,
      table_count INT UNSIGNED NULL,
      manifest JSON NULL COMMENT 'schemas, tables, rows, files with their SHA-256, binlog/GTID position',
      error TEXT NULL,
      verify_state VARCHAR(16) NOT NULL DEFAULT 'none' COMMENT 'none | running | passed | failed',
      verify_cluster VARCHAR(64) NULL,
      verify_detail TEXT NULL,
      verified_at DATETIME(3) NULL,
      KEY idx_backup_sets_cluster (cluster, state, started_at),
      KEY idx_backup_sets_started (started_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='backup sets written by dbops'`,
  ],
};
