import { catalogTable, type TableDdl } from '../../ast-ddl.js';
import type { RuleContext } from '../../types.js';

/**
 * Lower-case data type of each column the index rules may need: the statement's own definitions,
 * then (for ALTER TABLE and CREATE INDEX) the catalog's, when there is one.
 */
export function columnTypes(ddl: TableDdl, ctx: Pick<RuleContext, 'catalog' | 'schema'>): Map<string, string> {
  const types = new Map<string, string>();
  if (ddl.statement !== 'create-table') {
    for (const col of catalogTable(ctx.catalog, ddl.table, ctx.schema)?.columns ?? [])
      types.set(col.name.toLowerCase(), col.dataType.toLowerCase());
  }
  for (const col of ddl.columns) types.set(col.name.toLowerCase(), col.dataType);
  return types;
}
