import { defineRule } from '../../define-rule.js';
import { conventionFindings, conventionParams } from './_convention.js';

export const namingColumn = defineRule({
  id: 'naming.column',
  severity: 'warning',
  needs: 'text',
  summary: 'column names follow the naming convention',
  why:
    'Consistent column names (lower case, underscores) save every query writer from ' +
    'guessing spellings and quoting, and map cleanly to code in every language and ORM.',
  fix: 'Name the column to match the convention, e.g. `created_at` rather than `CreatedAt` or `created-at`.',
  params: conventionParams,
  check: ({ stmt, params }) => conventionFindings(stmt, 'column', params),
});
