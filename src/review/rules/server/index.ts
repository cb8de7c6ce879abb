import type { Rule } from '../../types.js';

/** Rules that ask the live server (EXPLAIN on a replica, row counts). */
export const serverRules: readonly Rule[] = [];
