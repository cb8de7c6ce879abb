import type { Migration } from './index.js';

/**
 * Which ticket undoes which: `/dbops rollback T-42` (or its button) records the rollback ticket it
 * opened, so a second request finds it instead of opening another. The before-images themselves and
 * the log of what each statement saved live on the changed cluster, in `dbops_backup`.
 */
export const m004Rollbacks: Migration = {
  version: 4,
  name: 'rollbacks',
  statements: [
    `CREATE TABLE IF NOT EXISTS ticket_rollbacks (
      ticket_id BIGINT UNSIGNED NOT NULL COMMENT 'the ticket being undone',
      rollback_ticket_id BIGINT UNSIGNED NOT NULL COMMENT 'the rollback ticket',
      requested_by VARCHAR(32) NOT NULL,
      requested_at DATETIME(3) NOT NULL,
      rows_to_restore BIGINT UNSIGNED NOT NULL,
      PRIMARY KEY (ticket_id, rollback_ticket_id),
      UNIQUE KEY uq_ticket_rollbacks_rollback (rollback_ticket_id),
      CONSTRAINT fk_ticket_rollbacks_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id),
      CONSTRAINT fk_ticket_rollbacks_rollback FOREIGN KEY (rollback_ticket_id) REFERENCES tickets (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='rollback tickets opened for a ticket'`,
  ],
};
