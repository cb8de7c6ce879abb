import type { Rule } from '../../types.js';
import { indexAddUniqueWarning } from './add-unique-warning.js';
import { indexKeyNumberLimit } from './key-number-limit.js';
import { indexNoDuplicateColumn } from './no-duplicate-column.js';
import { indexPkMaxParts } from './pk-max-parts.js';
import { indexPkType } from './pk-type.js';
import { indexTotalNumberLimit } from './total-number-limit.js';
import { indexTypeNoBlob } from './type-no-blob.js';

/** Index definition rules that need only the SQL text (some also read the catalog when there is one). */
export const indexRules: readonly Rule[] = [
  indexNoDuplicateColumn,
  indexKeyNumberLimit,
  indexTotalNumberLimit,
  indexPkType,
  indexPkMaxParts,
  indexTypeNoBlob,
  indexAddUniqueWarning,
];
