import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { checkIndexNames } from './_index-template.js';
import { patternParam } from './_pattern.js';

const KINDS = new Set(['index', 'fulltext', 'spatial'] as const);

export const namingIndexIdx = defineRule({
  id: 'naming.index.idx',
  severity: 'notice',
  needs: 'text',
  summary: 'secondary index names follow the template (idx_…)',
  why:
    'A common prefix tells ordinary indexes from unique keys and constraints at a glance ' +
    'in EXPLAIN output, slow-query logs and error messages.',
  fix:
    'Name the index after the template, e.g. `idx_orders_user_id` for KEY (user_id) on ' +
    'orders. The pattern may use {{table}} and {{column_list}}.',
  params: z.strictObject({ pattern: patternParam('^idx_') }),
  check({ stmt, params }) {
    return checkIndexNames(stmt, KINDS, params.pattern, 'Index');
  },
});
