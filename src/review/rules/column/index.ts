import type { Rule } from '../../types.js';

/** Column definition rules that need only the SQL text. */
export const columnRules: readonly Rule[] = [];
