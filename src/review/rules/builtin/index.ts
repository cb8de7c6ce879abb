import type { Rule } from '../../types.js';
import { priorBackupCheck } from './prior-backup-check.js';
import { shadowApply } from './shadow-apply.js';
import { walkThrough } from './walk-through.js';

/** Built-in checks: walk-through, prior-backup check, shadow apply. */
export const builtinRules: readonly Rule[] = [walkThrough, priorBackupCheck, shadowApply];
