import type { Rule } from '../../types.js';
import { namingColumn } from './column.js';
import { namingColumnAutoIncrement } from './column-auto-increment.js';
import { namingIdentifierNoKeyword } from './identifier-no-keyword.js';
import { namingIdentifierValid } from './identifier-valid.js';
import { namingIndexAnonymous } from './index-anonymous.js';
import { namingIndexIdx } from './index-idx.js';
import { namingIndexUk } from './index-uk.js';
import { namingTable } from './table.js';

/** Naming rules for tables, columns and indexes. */
export const namingRules: readonly Rule[] = [
  namingTable,
  namingColumn,
  namingIdentifierNoKeyword,
  namingIdentifierValid,
  namingColumnAutoIncrement,
  namingIndexIdx,
  namingIndexUk,
  namingIndexAnonymous,
];
