import type { Rule } from '../../types.js';
import { affectedRowLimit } from './affected-row-limit.js';
import { dmlDryRun } from './dml-dry-run.js';
import { explainFullScan } from './explain-full-scan.js';
import { tableLimitSize } from './limit-size.js';
import { onlineMigration } from './online-migration.js';

/** Rules that ask the live server (EXPLAIN on a replica, row counts). */
export const serverRules: readonly Rule[] = [
  dmlDryRun,
  affectedRowLimit,
  explainFullScan,
  tableLimitSize,
  onlineMigration,
];
