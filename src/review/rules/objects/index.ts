import type { Rule } from '../../types.js';

/** Rules for triggers, routines, events and views. */
export const objectRules: readonly Rule[] = [];
