import { z } from 'zod';
import { ddlTables } from '../../catalog/batch.js';
import { lookupTable } from '../../catalog/resolve.js';
import { defineRule } from '../../define-rule.js';
import type { StatementKind } from '../../types.js';

/** DDL that rebuilds, locks or removes an existing table. */
const HEAVY_DDL: ReadonlySet<StatementKind> = new Set(['alter-table', 'create-index', 'drop-index', 'drop-table']);

export const tableLimitSize = defineRule({
  id: 'table.limit-size',
  severity: 'warning',
  needs: 'server',
  summary: 'no DDL on a table with more than N rows',
  why:
    'DDL on a very large table runs for a long time: it may lock the table or copy every ' +
    'row, makes replicas lag while they replay it, and cannot be stopped cleanly halfway.',
  fix:
    'Plan it with a DBA: run it with an online schema-change tool (gh-ost, ' +
    'pt-online-schema-change) in a quiet window, or archive old rows first.',
  params: z.strictObject({ max: z.number().int().min(0).default(10_000_000) }),
  check({ stmt, params, catalog, schema }) {
    if (!HEAVY_DDL.has(stmt.kind) || !catalog) return [];
    return ddlTables(stmt).flatMap((ref) => {
      const table = lookupTable(catalog, ref, schema);
      if (!table || table.rows === undefined || table.rows <= params.max) return [];
      return [
        {
          message: `\`${table.name}\` holds about ${table.rows.toLocaleString('en-US')} rows (information_schema estimate), above the limit of ${params.max.toLocaleString('en-US')} rows for DDL.`,
          fragment: stmt.stripped,
        },
      ];
    });
  },
});
