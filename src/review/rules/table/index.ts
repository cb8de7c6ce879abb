import type { Rule } from '../../types.js';
import { tableAutoIncrementInitialValue } from './auto-increment-initial-value.js';
import { schemaBackwardCompatibility } from './backward-compatibility.js';
import { tableCharsetAllowlist } from './charset-allowlist.js';
import { tableCollationAllowlist } from './collation-allowlist.js';
import { tableComment } from './comment.js';
import { tableCreateIfNotExists } from './create-if-not-exists.js';
import { databaseDisallowDrop } from './database-disallow-drop.js';
import { tableDisallowDrop } from './disallow-drop.js';
import { tableDisallowPartition } from './disallow-partition.js';
import { tableDropNamingConvention } from './drop-naming-convention.js';
import { tableMaxColumns } from './max-columns.js';
import { statementMergeAlterTable } from './merge-alter-table.js';
import { engineMysqlUseInnodb } from './mysql-use-innodb.js';
import { tableNoDuplicateIndex } from './no-duplicate-index.js';
import { tableNoForeignKey } from './no-foreign-key.js';
import { statementRequireAlgorithmOption } from './require-algorithm-option.js';
import { statementRequireLockOption } from './require-lock-option.js';
import { tableRequirePk } from './require-pk.js';

/** CREATE/ALTER/DROP TABLE rules that need only the SQL text (some also read the catalog when there is one). */
export const tableRules: readonly Rule[] = [
  engineMysqlUseInnodb,
  tableRequirePk,
  tableNoForeignKey,
  tableComment,
  tableDisallowPartition,
  tableCharsetAllowlist,
  tableCollationAllowlist,
  tableNoDuplicateIndex,
  tableMaxColumns,
  tableDisallowDrop,
  tableDropNamingConvention,
  databaseDisallowDrop,
  statementMergeAlterTable,
  statementRequireAlgorithmOption,
  statementRequireLockOption,
  schemaBackwardCompatibility,
  tableAutoIncrementInitialValue,
  tableCreateIfNotExists,
];
