import { defineRule } from '../../define-rule.js';
import { tableDdl, tableLabel } from '../../ast-ddl.js';

export const tableDisallowPartition = defineRule({
  id: 'table.disallow-partition',
  severity: 'warning',
  needs: 'text',
  summary: 'no PARTITION BY',
  why:
    'Partitioned tables need every unique key to include the partitioning column, make ' +
    'queries that do not filter on it read every partition, and complicate backups and ' +
    'online schema changes.',
  fix: 'Leave PARTITION BY out; for large time-series data ask a DBA about archiving or a separate table per period.',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (!ddl?.options.partitioned) return [];
    return [{ message: `Table ${tableLabel(ddl)} is partitioned (PARTITION BY).`, fragment: 'PARTITION BY' }];
  },
});
