import type { Rule } from '../../types.js';

/** Naming rules for tables, columns and indexes. */
export const namingRules: readonly Rule[] = [];
