import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { columnFragment, tableDdl } from '../../ast-ddl.js';

export const columnMaximumCharLength = defineRule({
  id: 'column.maximum-char-length',
  severity: 'warning',
  needs: 'text',
  summary: 'CHAR(n) only for short values',
  why:
    'CHAR(n) always stores n characters (padded with spaces, up to 4 bytes each in ' +
    'utf8mb4), so a long CHAR wastes space on every row and in every index that holds it.',
  fix: 'Use VARCHAR(n) for values longer than the limit or of varying length.',
  params: z.strictObject({ max: z.number().int().positive().default(20) }),
  check({ stmt, params }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    return ddl.columns
      .filter((col) => col.dataType === 'char' && (col.length ?? 1) > params.max)
      .map((col) => ({
        message: `Column \`${col.name}\` is CHAR(${col.length}); CHAR longer than ${params.max} should be VARCHAR.`,
        fragment: columnFragment(col),
      }));
  },
});
