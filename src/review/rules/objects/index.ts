import type { Rule } from '../../types.js';
import { eventDisallowCreate } from './event-disallow-create.js';
import { functionDisallowCreate } from './function-disallow-create.js';
import { procedureDisallowCreate } from './procedure-disallow-create.js';
import { triggerDisallowCreate } from './trigger-disallow-create.js';
import { viewDisallowCreate } from './view-disallow-create.js';

/** Rules for triggers, routines, events and views. */
export const objectRules: readonly Rule[] = [
  triggerDisallowCreate,
  procedureDisallowCreate,
  functionDisallowCreate,
  eventDisallowCreate,
  viewDisallowCreate,
];
