import type { Rule } from '../../types.js';
import { disallowTruncate } from './disallow-truncate.js';
import { statementSyntax } from './syntax.js';

/** Statement-level and batch-level rules. */
export const statementRules: readonly Rule[] = [statementSyntax, disallowTruncate];
