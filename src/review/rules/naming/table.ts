import { defineRule } from '../../define-rule.js';
import { conventionFindings, conventionParams } from './_convention.js';

export const namingTable = defineRule({
  id: 'naming.table',
  severity: 'warning',
  needs: 'text',
  summary: 'table names follow the naming convention',
  why:
    'Consistent table names (lower case, underscores) keep queries portable between ' +
    'servers where table names are case-sensitive (Linux) and ones where they are not, ' +
    'and make tables easy to find.',
  fix: 'Rename the table to match the convention, e.g. `order_items` rather than `OrderItems`.',
  params: conventionParams,
  check: ({ stmt, params }) => conventionFindings(stmt, 'table', params),
});
