import type { Rule } from '../../types.js';
import { tableDisallowDrop } from './disallow-drop.js';
import { tableRequirePk } from './require-pk.js';

/** CREATE/ALTER/DROP TABLE rules that need only the SQL text. */
export const tableRules: readonly Rule[] = [tableDisallowDrop, tableRequirePk];
