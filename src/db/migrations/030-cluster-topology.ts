import type { Migration } from './index.js';

/**
 * `cluster_topology`: a cluster's primary and replicas as the last switchover or failover left them.
 * From then on it overrides dbops.yml's `primary` and `replicas` (src/ha/topology.ts), as long as
 * dbops.yml still names the same instances; one row per cluster, replaced by each switchover.
 */
export const m030ClusterTopology: Migration = {
  version: 30,
  name: 'cluster topology',
  statements: [
    `CREATE TABLE IF NOT EXISTS cluster_topology (
      cluster VARCHAR(64) NOT NULL PRIMARY KEY,
      primary_endpoint JSON NOT NULL COMMENT '{host, port, site?}',
      replicas JSON NOT NULL COMMENT '[{host, port, site?}]',
      ticket_id BIGINT UNSIGNED NULL COMMENT 'the switchover or failover ticket that made it',
      reason VARCHAR(32) NOT NULL COMMENT 'switchover | failover',
      changed_at DATETIME(3) NOT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='primaries moved by dbops: they override dbops.yml'`,
  ],
};
