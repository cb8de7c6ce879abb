import type { Rule } from '../../types.js';

/** Built-in checks: walk-through, prior-backup check, shadow apply. */
export const builtinRules: readonly Rule[] = [];
