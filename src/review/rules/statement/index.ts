import type { Rule } from '../../types.js';
import { changeNoSelect } from './change-no-select.js';
import { criticalRegex } from './critical-regex.js';
import { disallowCommit } from './disallow-commit.js';
import { disallowMixDdlDml } from './disallow-mix-ddl-dml.js';
import { disallowTruncate } from './disallow-truncate.js';
import { grantInChange } from './grant-in-change.js';
import { loadDataOutfile } from './load-data-outfile.js';
import { maxSqlSize } from './max-sql-size.js';
import { maxStatements } from './max-statements.js';
import { shardedBatch } from './sharded-batch.js';
import { statementSyntax } from './syntax.js';

/** Statement-level and batch-level rules. */
export const statementRules: readonly Rule[] = [
  statementSyntax,
  disallowTruncate,
  disallowCommit,
  maxStatements,
  disallowMixDdlDml,
  criticalRegex,
  changeNoSelect,
  loadDataOutfile,
  maxSqlSize,
  grantInChange,
  shardedBatch,
];
