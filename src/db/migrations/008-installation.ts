import type { Migration } from './index.js';

/**
 * - `installation`: the one row naming this installation (src/db/installation.ts writes it at the
 *   first start). Its id is in everything dbops keeps outside this database; deleting the row makes
 *   dbops a new installation that no longer knows its own backups, jobs or execution log.
 * - `ticket_steps.fingerprint`: what a journaled step runs (the SHA-256 of a statement's text), so a
 *   step recorded for other text is refused instead of being taken as done.
 */
export const m008Installation: Migration = {
  version: 8,
  name: 'installation',
  statements: [
    `CREATE TABLE IF NOT EXISTS installation (
      singleton TINYINT UNSIGNED NOT NULL PRIMARY KEY COMMENT 'always 1: one row',
      id VARCHAR(12) NOT NULL COMMENT 'the installation id: in job ids, Redis keys, backup tables and the execution log',
      created_at DATETIME(3) NOT NULL,
      CONSTRAINT installation_one_row CHECK (singleton = 1)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='the id of this dbops installation'`,
    `ALTER TABLE ticket_steps ADD COLUMN fingerprint CHAR(64) NULL COMMENT 'SHA-256 of what the step runs (a statement text); NULL: not given' AFTER name`,
  ],
};
