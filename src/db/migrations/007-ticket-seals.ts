import type { Migration } from './index.js';

/**
 * Sealed approval decisions: one row per DBA approval (and per automatic approval), each with an
 * HMAC made with dbops' key, which this database never holds (src/tickets/seal.ts). The runner runs
 * a ticket only when its seals verify; a ticket approved before this table existed has none, so it
 * is refused (the requester opens it again).
 */
export const m007TicketSeals: Migration = {
  version: 7,
  name: 'ticket seals',
  statements: [
    `CREATE TABLE IF NOT EXISTS ticket_seals (
      ticket_id BIGINT UNSIGNED NOT NULL,
      signer VARCHAR(32) NOT NULL COMMENT 'the approving DBA, or dbops for an automatic approval',
      decision VARCHAR(16) NOT NULL COMMENT 'approve | auto_approve',
      exception TINYINT(1) NOT NULL DEFAULT 0 COMMENT 'granted over a review with errors',
      at DATETIME(3) NOT NULL,
      mac CHAR(64) NOT NULL COMMENT 'HMAC-SHA256 (hex) of the decision and the ticket it approves',
      PRIMARY KEY (ticket_id, signer),
      CONSTRAINT fk_ticket_seals_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='approvals sealed with a key the database does not hold'`,
  ],
};
