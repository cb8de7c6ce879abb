import type { Rule } from '../types.js';
import { builtinRules } from './builtin/index.js';
import { columnRules } from './column/index.js';
import { dmlRules } from './dml/index.js';
import { indexRules } from './index/index.js';
import { namingRules } from './naming/index.js';
import { objectRules } from './objects/index.js';
import { queryRules } from './query/index.js';
import { schemaRules } from './schema/index.js';
import { serverRules } from './server/index.js';
import { statementRules } from './statement/index.js';
import { tableRules } from './table/index.js';

/**
 * Every review rule, by topic folder. Add a rule by adding its file and listing it in its folder's
 * index.ts; the registry test checks the lists against the files on disk.
 */
export const rules: readonly Rule[] = [
  ...statementRules,
  ...dmlRules,
  ...queryRules,
  ...tableRules,
  ...columnRules,
  ...indexRules,
  ...namingRules,
  ...objectRules,
  ...schemaRules,
  ...serverRules,
  ...builtinRules,
];
