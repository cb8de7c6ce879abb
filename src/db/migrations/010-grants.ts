import type { Migration } from './index.js';

/**
 * Grants (`/dbops grant`, G-<id>): what was asked, for whom, and where it stands on the target; and
 * the passwords of accounts dbops created, encrypted (AES-256-GCM, with a key derived from dbops'
 * key, which this database never holds) until their owner opens them once, at most 24 hours.
 */
export const m010Grants: Migration = {
  version: 10,
  name: 'grants',
  statements: [
    `CREATE TABLE IF NOT EXISTS grants (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      ticket_id BIGINT UNSIGNED NULL COMMENT 'the ticket that asked for it',
      requester VARCHAR(32) NOT NULL COMMENT 'Slack user id; the password goes to them',
      cluster VARCHAR(64) NOT NULL,
      schema_name VARCHAR(64) NULL COMMENT 'NULL: every schema',
      table_name VARCHAR(64) NULL COMMENT 'NULL: the whole schema',
      privileges VARCHAR(512) NOT NULL COMMENT 'comma-separated, canonical names',
      account_user VARCHAR(80) NOT NULL,
      account_host VARCHAR(255) NOT NULL,
      personal TINYINT(1) NOT NULL DEFAULT 0,
      duration_seconds INT UNSIGNED NULL,
      reason TEXT NULL,
      state VARCHAR(16) NOT NULL COMMENT 'requested | active | revoked | failed | cancelled',
      account_existed TINYINT(1) NULL COMMENT 'set once, before CREATE USER: did the account exist before this grant',
      password_state VARCHAR(16) NOT NULL DEFAULT 'none' COMMENT 'none | waiting | shown | expired',
      granted_at DATETIME(3) NULL,
      expires_at DATETIME(3) NULL,
      remind_at DATETIME(3) NULL COMMENT 'when the owner is told it ends soon',
      reminded_at DATETIME(3) NULL,
      revoked_at DATETIME(3) NULL,
      revoked_by VARCHAR(32) NULL COMMENT 'Slack user id, or dbops at expiry',
      account_dropped TINYINT(1) NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      UNIQUE KEY uq_grants_ticket (ticket_id),
      KEY idx_grants_state (state, expires_at),
      KEY idx_grants_account (cluster, account_user, account_host, state),
      KEY idx_grants_requester (requester, state)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='privileges granted through dbops'`,
    `CREATE TABLE IF NOT EXISTS grant_secrets (
      grant_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
      iv VARBINARY(12) NOT NULL,
      tag VARBINARY(16) NOT NULL,
      ciphertext VARBINARY(255) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      expires_at DATETIME(3) NOT NULL COMMENT 'deleted unshown after this',
      CONSTRAINT fk_grant_secrets_grant FOREIGN KEY (grant_id) REFERENCES grants (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='passwords waiting to be shown once, AES-256-GCM encrypted'`,
  ],
};
