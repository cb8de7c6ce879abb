import type { Rule } from '../../types.js';
import { selectNoSelectAll } from './no-select-all.js';

/** SELECT, JOIN, subquery and WHERE-shape rules that need only the SQL text. */
export const queryRules: readonly Rule[] = [selectNoSelectAll];
