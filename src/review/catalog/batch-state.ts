import type { TableRef } from '../ast.js';
import { droppedTables, renamedTables, sameTable } from '../ast-ddl.js';
import type { RuleContext } from '../types.js';
import { applyDdl, tableAfter, type TableChange } from './apply-ddl.js';
import { ddlTables } from './batch.js';
import type { CatalogTable } from './catalog.js';
import { MemoryCatalog, cloneTable } from './memory-catalog.js';

/**
 * Where a review without a target keeps the tables its own statements create: unqualified names
 * go into this schema, so a CREATE TABLE and a later ALTER of the same table meet.
 */
export const BATCH_SCHEMA = '(batch)';

type StateContext = Pick<RuleContext, 'stmt' | 'batch' | 'catalog' | 'schema' | 'tables'>;

/** The schema an unqualified name is in: the review's, or the batch's own when there is no target. */
export function stateSchema(ctx: Pick<RuleContext, 'schema'>): string {
  return ctx.schema ?? BATCH_SCHEMA;
}

/**
 * The table as the earlier statements of the batch left it: from the target's catalog when the
 * review has one, else only when the batch itself created it. Undefined when unknown.
 */
export function tableBefore(ctx: StateContext, ref: TableRef | null): CatalogTable | undefined {
  if (!ref) return undefined;
  return ctx.tables?.getTable(ref.db ?? stateSchema(ctx), ref.table);
}

/** The table the statement's CREATE / ALTER / CREATE INDEX leaves (the batch state is not changed). */
export function changeOf(ctx: StateContext): TableChange | undefined {
  return ctx.tables ? tableAfter(ctx.tables, ctx.stmt, stateSchema(ctx)) : undefined;
}

/**
 * The table at the end of the batch: `table` (as this statement leaves it) with every later
 * statement on it replayed, following renames. Undefined when a later statement drops it.
 */
export function tableAtEnd(ctx: StateContext, table: CatalogTable): CatalogTable | undefined {
  const schema = stateSchema(ctx);
  const scratch = new MemoryCatalog([], [cloneTable(table)]);
  let current: TableRef = { db: table.schema, table: table.name };
  for (const later of ctx.batch) {
    if (later.index <= ctx.stmt.index) continue;
    if (!ddlTables(later).some((ref) => sameTable(ref, current, schema))) continue;
    if (droppedTables(later).some((ref) => sameTable(ref, current, schema))) return undefined;
    applyDdl(scratch, later, schema);
    for (const { from, to } of renamedTables(later)) {
      if (sameTable(from, current, schema)) current = { db: to.db ?? from.db ?? schema, table: to.table };
    }
  }
  return scratch.getTable(current.db ?? schema, current.table);
}
