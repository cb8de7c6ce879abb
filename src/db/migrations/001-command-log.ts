import type { Migration } from './index.js';

/** Who asked dbops for what: the record adoption and quality numbers are measured from. */
export const m001CommandLog: Migration = {
  version: 1,
  name: 'command log',
  statements: [
    `CREATE TABLE IF NOT EXISTS command_log (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      at DATETIME(3) NOT NULL,
      user_id VARCHAR(32) NOT NULL,
      channel_id VARCHAR(32) NOT NULL,
      verb VARCHAR(32) NOT NULL,
      outcome VARCHAR(16) NOT NULL,
      KEY idx_command_log_at (at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='slash commands received'`,
  ],
};
