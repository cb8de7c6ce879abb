import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { checkIndexNames } from './_index-template.js';
import { patternParam } from './_pattern.js';

const KINDS = new Set(['unique'] as const);

export const namingIndexUk = defineRule({
  id: 'naming.index.uk',
  severity: 'notice',
  needs: 'text',
  summary: 'unique key names follow the template (uk_…)',
  why:
    'A duplicate-key error names the key that refused the row; a recognisable prefix ' +
    'tells the reader at once that it is a uniqueness rule and on which columns.',
  fix:
    'Name the unique key after the template, e.g. `uk_users_email` for UNIQUE (email) on ' +
    'users. The pattern may use {{table}} and {{column_list}}.',
  params: z.strictObject({ pattern: patternParam('^uk_') }),
  check({ stmt, params }) {
    return checkIndexNames(stmt, KINDS, params.pattern, 'Unique key');
  },
});
