import type { Migration } from './index.js';

/**
 * Monitoring and alerts. Times are UTC DATETIME(3).
 *
 * - `alerts`: one row per alert, from its first observation (pending) to its end (resolved).
 *   `open_key` equals `fingerprint` while the alert is pending or firing and is NULL afterwards, so
 *   the unique key allows one open alert per fingerprint and any number of closed ones.
 *   `announced` is what the alert channel shows of it (NULL: nothing yet; quiet: fired while
 *   silenced; firing; resolved); a row whose state and `announced` disagree is an announcement
 *   still owed, which survives a crash between the state change and the Slack call.
 * - `alert_groups`: the one message per cluster that lists its alerts while any fires.
 * - `alert_silences`: Silence 1 h / 1 d, per fingerprint (so a flapping alert stays quiet too).
 * - `monitor_counters`: the last value of ever-growing server counters (Innodb_deadlocks), so
 *   "since the last poll" holds across restarts and across workers (compare-and-set).
 * - `schema_size_samples`: schema sizes over time, for the growth forecast.
 */
export const m006Monitoring: Migration = {
  version: 6,
  name: 'monitoring',
  statements: [
    `CREATE TABLE IF NOT EXISTS alerts (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      fingerprint VARCHAR(400) NOT NULL COMMENT 'cluster|instance|check|subject',
      open_key VARCHAR(400) NULL COMMENT 'fingerprint while pending or firing, NULL when resolved',
      cluster VARCHAR(64) NOT NULL,
      instance VARCHAR(255) NOT NULL DEFAULT '' COMMENT 'host:port; empty for a cluster-wide alert',
      check_id VARCHAR(48) NOT NULL,
      subject VARCHAR(128) NOT NULL DEFAULT '',
      kind VARCHAR(8) NOT NULL COMMENT 'poll | event | manual',
      state VARCHAR(12) NOT NULL COMMENT 'pending | firing | resolved',
      severity VARCHAR(12) NOT NULL,
      summary VARCHAR(1000) NOT NULL,
      value_text VARCHAR(255) NOT NULL DEFAULT '',
      threshold_text VARCHAR(255) NOT NULL DEFAULT '',
      details LONGTEXT NULL COMMENT 'JSON',
      occurrences INT UNSIGNED NOT NULL DEFAULT 1,
      hits INT UNSIGNED NOT NULL DEFAULT 1 COMMENT 'polls in a row the condition held',
      misses INT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'clear polls in a row while firing',
      first_seen_at DATETIME(3) NOT NULL,
      last_seen_at DATETIME(3) NOT NULL,
      fired_at DATETIME(3) NULL,
      resolved_at DATETIME(3) NULL,
      resolved_by VARCHAR(32) NULL COMMENT 'Slack user who closed a manual alert',
      announced VARCHAR(12) NULL,
      dirty TINYINT(1) NOT NULL DEFAULT 0 COMMENT 'value or severity changed since the message was rendered',
      notified_at DATETIME(3) NULL COMMENT 'last announcement or re-notification',
      acked_by VARCHAR(32) NULL,
      acked_at DATETIME(3) NULL,
      group_id BIGINT UNSIGNED NULL,
      UNIQUE KEY uq_alerts_open (open_key),
      KEY idx_alerts_instance (cluster, instance, state),
      KEY idx_alerts_state (state, cluster),
      KEY idx_alerts_group (group_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='monitor and job alerts, pending to resolved'`,
    `CREATE TABLE IF NOT EXISTS alert_groups (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      cluster VARCHAR(64) NOT NULL,
      open_key VARCHAR(64) NULL COMMENT 'cluster while open, NULL when closed',
      channel VARCHAR(32) NULL,
      ts VARCHAR(32) NULL,
      opened_at DATETIME(3) NOT NULL,
      closed_at DATETIME(3) NULL,
      rendered_at DATETIME(3) NULL,
      UNIQUE KEY uq_alert_groups_open (open_key),
      KEY idx_alert_groups_cluster (cluster, id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='one alert-channel message per cluster while alerts fire'`,
    `CREATE TABLE IF NOT EXISTS alert_silences (
      fingerprint VARCHAR(400) NOT NULL PRIMARY KEY,
      until DATETIME(3) NOT NULL,
      silenced_by VARCHAR(32) NOT NULL,
      at DATETIME(3) NOT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='alerts a DBA silenced, until when'`,
    `CREATE TABLE IF NOT EXISTS monitor_counters (
      cluster VARCHAR(64) NOT NULL,
      instance VARCHAR(255) NOT NULL,
      name VARCHAR(64) NOT NULL,
      value BIGINT UNSIGNED NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      PRIMARY KEY (cluster, instance, name)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='last seen value of growing server counters'`,
    `CREATE TABLE IF NOT EXISTS schema_size_samples (
      cluster VARCHAR(64) NOT NULL,
      schema_name VARCHAR(64) NOT NULL,
      sampled_at DATETIME(3) NOT NULL,
      bytes BIGINT UNSIGNED NOT NULL,
      PRIMARY KEY (cluster, schema_name, sampled_at),
      KEY idx_schema_size_samples_time (cluster, sampled_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='schema sizes (data + indexes) over time'`,
  ],
};
