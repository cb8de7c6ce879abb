import type { Rule } from '../../types.js';

/** Rules that read the schema catalog (information_schema plus earlier DDL in the batch). */
export const schemaRules: readonly Rule[] = [];
