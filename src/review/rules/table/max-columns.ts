import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { catalogTable, tableDdl, tableLabel } from '../../ast-ddl.js';

export const tableMaxColumns = defineRule({
  id: 'table.max-columns',
  severity: 'warning',
  needs: 'text',
  summary: 'at most N columns per table',
  why:
    'Very wide tables make every row long: fewer rows fit in a page and in memory, each ' +
    'change rewrites more, and they usually mix several concerns that are better in ' +
    'separate tables.',
  fix: 'Split rarely used or optional columns into a side table keyed by the same id.',
  params: z.strictObject({ max: z.number().int().positive().default(100) }),
  check({ stmt, params, catalog, schema }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    if (ddl.statement === 'create-table') {
      if (ddl.columns.length <= params.max) return [];
      return [{ message: `Table ${tableLabel(ddl)} has ${ddl.columns.length} columns; the limit is ${params.max}.` }];
    }
    // ALTER TABLE … ADD COLUMN: count against the existing table when the catalog knows it.
    const added = ddl.actions.filter((a) => a.type === 'add-column').length;
    const table = catalogTable(catalog, ddl.table, schema);
    if (added === 0 || !table || table.partial) return [];
    const dropped = ddl.actions.filter((a) => a.type === 'drop-column').length;
    const total = table.columns.length + added - dropped;
    if (total <= params.max) return [];
    return [
      { message: `After this ALTER, ${tableLabel(ddl)} would have ${total} columns; the limit is ${params.max}.` },
    ];
  },
});
