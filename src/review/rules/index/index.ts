import type { Rule } from '../../types.js';

/** Index definition rules that need only the SQL text. */
export const indexRules: readonly Rule[] = [];
