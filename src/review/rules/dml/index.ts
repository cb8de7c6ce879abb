import type { Rule } from '../../types.js';
import { whereRequireUpdateDelete } from './where-require-update-delete.js';

/** UPDATE / DELETE / INSERT rules that need only the SQL text. */
export const dmlRules: readonly Rule[] = [whereRequireUpdateDelete];
