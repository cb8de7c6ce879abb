import type { Migration } from './index.js';

/**
 * Tickets, their approvals and their append-only event log. Times are UTC DATETIME(3).
 * `version` is the compare-and-set counter: every state change is
 * `UPDATE … WHERE id = ? AND state = ? AND version = ?`.
 */
export const m002Tickets: Migration = {
  version: 2,
  name: 'tickets',
  statements: [
    `CREATE TABLE IF NOT EXISTS tickets (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      kind VARCHAR(32) NOT NULL,
      payload LONGTEXT NOT NULL COMMENT 'JSON, validated per kind',
      requester VARCHAR(32) NOT NULL,
      cluster VARCHAR(64) NOT NULL,
      schema_name VARCHAR(64) NULL,
      environment VARCHAR(16) NOT NULL,
      review LONGTEXT NULL COMMENT 'JSON: {summary, findings}',
      estimated_rows BIGINT NULL,
      run_at DATETIME(3) NULL COMMENT 'requested start, UTC; NULL = as soon as approved',
      state VARCHAR(24) NOT NULL,
      version INT UNSIGNED NOT NULL DEFAULT 1,
      attempt INT UNSIGNED NOT NULL DEFAULT 1,
      approvals_needed TINYINT UNSIGNED NOT NULL,
      exception TINYINT(1) NOT NULL DEFAULT 0,
      exception_reason TEXT NULL,
      request_channel VARCHAR(32) NULL,
      request_ts VARCHAR(32) NULL,
      approval_channel VARCHAR(32) NULL,
      approval_ts VARCHAR(32) NULL,
      thread_channel VARCHAR(32) NULL,
      thread_ts VARCHAR(32) NULL,
      source_key VARCHAR(128) NULL COMMENT 'makes create idempotent (e.g. a Slack request id)',
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      UNIQUE KEY uq_tickets_source_key (source_key),
      KEY idx_tickets_state (state, id),
      KEY idx_tickets_requester (requester, id),
      KEY idx_tickets_approval_msg (approval_channel, approval_ts)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='change requests: who asked for what'`,
    `CREATE TABLE IF NOT EXISTS ticket_approvals (
      ticket_id BIGINT UNSIGNED NOT NULL,
      approver VARCHAR(32) NOT NULL,
      at DATETIME(3) NOT NULL,
      exception TINYINT(1) NOT NULL DEFAULT 0 COMMENT 'granted over a review with errors',
      PRIMARY KEY (ticket_id, approver),
      CONSTRAINT fk_ticket_approvals_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='one row per DBA who approved a ticket'`,
    `CREATE TABLE IF NOT EXISTS ticket_events (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      ticket_id BIGINT UNSIGNED NOT NULL,
      at DATETIME(3) NOT NULL,
      actor VARCHAR(32) NOT NULL COMMENT 'Slack user id, or dbops',
      from_state VARCHAR(24) NULL,
      to_state VARCHAR(24) NOT NULL,
      action VARCHAR(32) NOT NULL,
      note LONGTEXT NULL COMMENT 'JSON',
      KEY idx_ticket_events_ticket (ticket_id, id),
      CONSTRAINT fk_ticket_events_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='append-only audit log of ticket changes'`,
  ],
};
