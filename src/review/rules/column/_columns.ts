import { catalogTable, primaryKeyColumns, type TableDdl } from '../../ast-ddl.js';
import type { RuleContext } from '../../types.js';

/**
 * Lower-cased names of the table's primary-key columns: those the statement declares, plus (for
 * an ALTER that keeps the existing primary key) those the catalog knows.
 */
export function primaryColumns(ddl: TableDdl, ctx: Pick<RuleContext, 'catalog' | 'schema'>): Set<string> {
  const names = primaryKeyColumns(ddl);
  if (ddl.statement !== 'alter-table' || ddl.actions.some((a) => a.type === 'drop-primary-key')) return names;
  const table = catalogTable(ctx.catalog, ddl.table, ctx.schema);
  for (const index of table?.indexes ?? []) {
    if (index.primary) for (const column of index.columns) names.add(column.toLowerCase());
  }
  return names;
}
