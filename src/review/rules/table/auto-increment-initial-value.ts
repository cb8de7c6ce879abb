import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { tableDdl, tableLabel } from '../../ast-ddl.js';

export const tableAutoIncrementInitialValue = defineRule({
  id: 'table.auto-increment-initial-value',
  severity: 'warning',
  needs: 'text',
  summary: 'AUTO_INCREMENT table option should start at 1',
  why:
    'A table option AUTO_INCREMENT=n usually comes from copying SHOW CREATE TABLE of ' +
    'another server: the new table then starts with a gap, and on an existing table it ' +
    'moves the counter for every later insert.',
  fix:
    'Remove the AUTO_INCREMENT=n table option (or set it to the configured start value) ' +
    'unless you mean to move the counter.',
  params: z.strictObject({ value: z.number().int().nonnegative().default(1) }),
  check({ stmt, params }) {
    const ddl = tableDdl(stmt);
    const value = ddl?.options.autoIncrement;
    if (!ddl || value === null || value === undefined || value === params.value) return [];
    return [
      {
        message: `Table ${tableLabel(ddl)} sets AUTO_INCREMENT=${value}; expected ${params.value}.`,
        fragment: `AUTO_INCREMENT=${value}`,
      },
    ];
  },
});
