import type { TableDdl } from '../../ast-ddl.js';
import { tableBefore } from '../../catalog/batch-state.js';
import type { RuleContext } from '../../types.js';

/**
 * Lower-case data type of each column the index rules may need: the statement's own definitions,
 * then (for ALTER TABLE and CREATE INDEX) the table's as the target's catalog or the earlier
 * statements of the batch define it.
 */
export function columnTypes(
  ddl: TableDdl,
  ctx: Pick<RuleContext, 'stmt' | 'batch' | 'catalog' | 'schema' | 'tables'>,
): Map<string, string> {
  const types = new Map<string, string>();
  if (ddl.statement !== 'create-table') {
    for (const col of tableBefore(ctx, ddl.table)?.columns ?? [])
      types.set(col.name.toLowerCase(), col.dataType.toLowerCase());
  }
  for (const col of ddl.columns) types.set(col.name.toLowerCase(), col.dataType);
  return types;
}
