import type { Rule } from '../../types.js';
import { disallowLimit } from './disallow-limit.js';
import { disallowOrderBy } from './disallow-order-by.js';
import { dmlJoin } from './dml-join.js';
import { insertDisallowOrderByRand } from './insert-disallow-order-by-rand.js';
import { insertMustSpecifyColumn } from './insert-must-specify-column.js';
import { insertRowLimit } from './insert-row-limit.js';
import { insertValueCountMismatch } from './insert-value-count-mismatch.js';
import { updateAndInSet } from './update-and-in-set.js';
import { whereRequireUpdateDelete } from './where-require-update-delete.js';

/** UPDATE / DELETE / INSERT rules that need only the SQL text. */
export const dmlRules: readonly Rule[] = [
  whereRequireUpdateDelete,
  disallowLimit,
  disallowOrderBy,
  updateAndInSet,
  dmlJoin,
  insertMustSpecifyColumn,
  insertValueCountMismatch,
  insertRowLimit,
  insertDisallowOrderByRand,
];
