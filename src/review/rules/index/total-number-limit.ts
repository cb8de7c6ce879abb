import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { catalogTable, tableDdl, tableLabel } from '../../ast-ddl.js';

export const indexTotalNumberLimit = defineRule({
  id: 'index.total-number-limit',
  severity: 'warning',
  needs: 'text',
  summary: 'at most N indexes per table',
  why:
    'Every index is updated on every insert and on updates of its columns, takes disk and ' +
    'buffer-pool memory, and gives the optimizer more ways to pick a wrong plan; many ' +
    'indexes on one table usually overlap.',
  fix:
    'Drop indexes that queries do not use or that another index already covers (a left ' +
    'prefix of a longer one), before adding new ones.',
  params: z.strictObject({ max: z.number().int().positive().default(8) }),
  check({ stmt, params, catalog, schema }) {
    const ddl = tableDdl(stmt);
    if (!ddl || ddl.copy) return [];
    const added = ddl.indexes.filter((i) => i.kind !== 'foreign').length;
    if (ddl.statement === 'create-table') {
      return added > params.max
        ? [{ message: `Table ${tableLabel(ddl)} has ${added} indexes; the limit is ${params.max}.` }]
        : [];
    }
    if (added === 0) return [];
    const table = catalogTable(catalog, ddl.table, schema);
    if (!table || table.partial) {
      return added > params.max
        ? [{ message: `This statement adds ${added} indexes to ${tableLabel(ddl)}; the limit is ${params.max}.` }]
        : [];
    }
    const existing = new Set(table.indexes.map((i) => i.name.toLowerCase()));
    let dropped = 0;
    for (const action of ddl.actions) {
      if (action.type === 'drop-index' && existing.delete(action.name.toLowerCase())) dropped++;
      if (action.type === 'drop-primary-key' && existing.delete('primary')) dropped++;
    }
    const total = table.indexes.length - dropped + added;
    if (total <= params.max) return [];
    return [
      {
        message: `After this statement ${tableLabel(ddl)} would have ${total} indexes (${table.indexes.length - dropped} existing, ${added} new); the limit is ${params.max}.`,
      },
    ];
  },
});
