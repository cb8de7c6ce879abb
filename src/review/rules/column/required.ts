import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { tableDdl, tableLabel } from '../../ast-ddl.js';
import type { FindingDraft } from '../../types.js';

export const columnRequired = defineRule({
  id: 'column.required',
  severity: 'warning',
  needs: 'text',
  summary: 'tables must have the required columns',
  why:
    'The team relies on every table having the same bookkeeping columns: a surrogate id ' +
    'for replication, backups and row-exact rollbacks, and created/updated times for ' +
    'debugging, incremental exports and data repair.',
  fix:
    'Add the missing columns, e.g. `id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY ' +
    'KEY`, `created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP`, `updated_at DATETIME ' +
    'NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP`.',
  params: z.strictObject({ columns: z.array(z.string().min(1)).default(['id', 'created_at', 'updated_at']) }),
  check({ stmt, params }) {
    const ddl = tableDdl(stmt);
    if (!ddl || ddl.copy) return [];
    const required = new Map(params.columns.map((c) => [c.toLowerCase(), c]));
    if (ddl.statement === 'create-table') {
      const present = new Set(ddl.columns.map((c) => c.name.toLowerCase()));
      const missing = [...required].filter(([key]) => !present.has(key)).map(([, name]) => `\`${name}\``);
      if (missing.length === 0) return [];
      return [
        {
          message: `Table ${tableLabel(ddl)} lacks the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
        },
      ];
    }
    const findings: FindingDraft[] = [];
    for (const action of ddl.actions) {
      const removed =
        action.type === 'drop-column'
          ? action.name
          : action.type === 'rename-column'
            ? action.from
            : action.type === 'change-column' && action.from.toLowerCase() !== action.column.name.toLowerCase()
              ? action.from
              : null;
      if (removed === null || !required.has(removed.toLowerCase())) continue;
      const verb = action.type === 'drop-column' ? 'drops' : 'renames';
      findings.push({
        message: `This ALTER ${verb} the required column \`${removed}\` of ${tableLabel(ddl)}.`,
        fragment: removed,
      });
    }
    return findings;
  },
});
