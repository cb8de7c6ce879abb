import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { columnFragment, tableDdl } from '../../ast-ddl.js';

export const columnMaximumVarcharLength = defineRule({
  id: 'column.maximum-varchar-length',
  severity: 'warning',
  needs: 'text',
  summary: 'VARCHAR(n) within a size limit',
  why:
    'A row holds at most 65,535 bytes over all its VARCHAR columns, and a VARCHAR counts ' +
    'up to 4 bytes per character in utf8mb4; very long VARCHARs also make temporary ' +
    'tables for sorts and GROUP BY large.',
  fix: 'Use the length the data really needs, or TEXT for long free text.',
  params: z.strictObject({ max: z.number().int().positive().default(2560) }),
  check({ stmt, params }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    return ddl.columns
      .filter((col) => col.dataType === 'varchar' && (col.length ?? 0) > params.max)
      .map((col) => ({
        message: `Column \`${col.name}\` is VARCHAR(${col.length}); the limit is ${params.max}.`,
        fragment: columnFragment(col),
      }));
  },
});
