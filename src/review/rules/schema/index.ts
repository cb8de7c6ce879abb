import type { Rule } from '../../types.js';
import { disallowChangeType } from './disallow-change-type.js';
import { disallowDropInIndex } from './disallow-drop-in-index.js';
import { insertNullIntoNotNull } from './insert-null-into-not-null.js';
import { indexNotRedundant } from './not-redundant.js';
import { textFieldsTotalLength } from './text-fields-total-length.js';
import { updatePrimaryKey } from './update-primary-key.js';
import { whereDisallowFunctionsAndCalculations } from './where-disallow-functions-and-calculations.js';
import { whereImplicitTypeConversion } from './where-implicit-type-conversion.js';

/** Rules that read the schema catalog (information_schema plus earlier DDL in the batch). */
export const schemaRules: readonly Rule[] = [
  whereDisallowFunctionsAndCalculations,
  whereImplicitTypeConversion,
  updatePrimaryKey,
  insertNullIntoNotNull,
  indexNotRedundant,
  textFieldsTotalLength,
  disallowChangeType,
  disallowDropInIndex,
];
