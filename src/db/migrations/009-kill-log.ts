import type { Migration } from './index.js';

/**
 * - `table_size_samples`: the biggest tables' sizes over time, sampled with the schema sizes, for
 *   `/dbops space`'s growth per table.
 * - `kill_log`: every Kill pressed on `/dbops top` — who killed which thread (or its query) on which
 * instance, what it ran, and how it ended. The unique key is the exactly-once guard: one kill per
 * thread, kind and `top` snapshot, however many times (and by however many DBAs) it is clicked.
 */
export const m009KillLog: Migration = {
  version: 9,
  name: 'kill log and table sizes',
  statements: [
    `CREATE TABLE IF NOT EXISTS kill_log (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      at DATETIME(3) NOT NULL,
      actor VARCHAR(32) NOT NULL COMMENT 'Slack user id of who pressed Kill',
      cluster VARCHAR(64) NOT NULL,
      instance VARCHAR(255) NOT NULL COMMENT 'host:port',
      thread_id BIGINT UNSIGNED NOT NULL,
      kind VARCHAR(16) NOT NULL COMMENT 'query | connection',
      snapshot_ms BIGINT UNSIGNED NOT NULL COMMENT 'the top read the button came from',
      target_user VARCHAR(128) NULL,
      target_host VARCHAR(255) NULL,
      target_schema VARCHAR(64) NULL,
      statement TEXT NULL COMMENT 'what the thread ran when it was killed (cut to 1000 characters)',
      outcome VARCHAR(16) NOT NULL COMMENT 'pending | killed | ended | failed',
      detail VARCHAR(255) NULL,
      finished_at DATETIME(3) NULL,
      UNIQUE KEY uq_kill_log_once (cluster, instance, thread_id, kind, snapshot_ms),
      KEY idx_kill_log_at (at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='audit log of kills from /dbops top'`,
    `CREATE TABLE IF NOT EXISTS table_size_samples (
      cluster VARCHAR(64) NOT NULL,
      schema_name VARCHAR(64) NOT NULL,
      table_name VARCHAR(64) NOT NULL,
      sampled_at DATETIME(3) NOT NULL,
      bytes BIGINT UNSIGNED NOT NULL,
      PRIMARY KEY (cluster, schema_name, table_name, sampled_at),
      KEY idx_table_size_samples_time (cluster, sampled_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='the biggest tables'' sizes (data + indexes) over time'`,
  ],
};
