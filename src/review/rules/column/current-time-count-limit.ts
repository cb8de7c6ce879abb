import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { tableDdl, tableLabel } from '../../ast-ddl.js';
import type { FindingDraft } from '../../types.js';

export const columnCurrentTimeCountLimit = defineRule({
  id: 'column.current-time-count-limit',
  severity: 'warning',
  needs: 'text',
  summary: 'few columns that default to or update with CURRENT_TIMESTAMP',
  why: 'A table needs one creation time and one modification time; more columns that the server fills in or updates automatically are usually copies of those, and each ON UPDATE column changes on every write, whatever the statement meant to change.',
  fix: 'Keep one `created_at … DEFAULT CURRENT_TIMESTAMP` and one `updated_at … DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP`; set other time columns from the application.',
  params: z.strictObject({
    max_default: z.number().int().nonnegative().default(2),
    max_on_update: z.number().int().nonnegative().default(1),
  }),
  check({ stmt, params }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    const byDefault = ddl.columns.filter((c) => c.default?.kind === 'current-timestamp').map((c) => `\`${c.name}\``);
    const onUpdate = ddl.columns.filter((c) => c.onUpdate !== null).map((c) => `\`${c.name}\``);
    const findings: FindingDraft[] = [];
    if (byDefault.length > params.max_default) {
      findings.push({
        message: `${byDefault.length} columns of ${tableLabel(ddl)} default to CURRENT_TIMESTAMP (${byDefault.join(', ')}); the limit is ${params.max_default}.`,
        fragment: 'DEFAULT CURRENT_TIMESTAMP',
      });
    }
    if (onUpdate.length > params.max_on_update) {
      findings.push({
        message: `${onUpdate.length} columns of ${tableLabel(ddl)} have ON UPDATE CURRENT_TIMESTAMP (${onUpdate.join(', ')}); the limit is ${params.max_on_update}.`,
        fragment: 'ON UPDATE CURRENT_TIMESTAMP',
      });
    }
    return findings;
  },
});
