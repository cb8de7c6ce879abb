import type { Rule } from '../types.js';
import { whereRequireUpdateDelete } from './dml/where-require-update-delete.js';
import { selectNoSelectAll } from './query/no-select-all.js';
import { disallowTruncate } from './statement/disallow-truncate.js';
import { statementSyntax } from './statement/syntax.js';
import { tableDisallowDrop } from './table/disallow-drop.js';
import { tableRequirePk } from './table/require-pk.js';

/** Every review rule. Add a rule by adding its file and listing it here; the registry test checks both. */
export const rules: readonly Rule[] = [
  statementSyntax,
  whereRequireUpdateDelete,
  selectNoSelectAll,
  disallowTruncate,
  tableDisallowDrop,
  tableRequirePk,
];
