import { defineRule } from '../../define-rule.js';
import { sameTable, tableDdl, tableLabel, type TableDdl } from '../../ast-ddl.js';
import { changeOf, stateSchema, tableAtEnd, tableBefore } from '../../catalog/batch-state.js';
import type { CatalogTable } from '../../catalog/catalog.js';
import { primaryKey } from '../../catalog/memory-catalog.js';
import type { FindingDraft, RuleContext } from '../../types.js';

export const tableRequirePk = defineRule({
  id: 'table.require-pk',
  severity: 'error',
  needs: 'text',
  summary: 'every table needs a primary key',
  why:
    'InnoDB without a primary key uses a hidden one: row-based replication then scans the ' +
    'whole table for each changed row, and rows cannot be backed up or rolled back ' +
    'exactly.',
  fix: 'Add a primary key, e.g. `id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY`.',
  check(ctx) {
    const ddl = tableDdl(ctx.stmt);
    if (!ddl || ddl.copy || !ddl.table) return [];
    if (ddl.statement === 'create-table') return createdWithout(ctx, ddl);
    if (ddl.statement === 'alter-table') return alterLoses(ctx, ddl);
    return [];
  },
});

/** CREATE TABLE without a primary key, unless a later statement of the batch gives it one. */
function createdWithout(ctx: RuleContext, ddl: TableDdl): FindingDraft[] {
  if (ddl.indexes.some((i) => i.kind === 'primary')) return [];
  const after = changeOf(ctx)?.after;
  if (after && hasPkAtEnd(ctx, after)) return [];
  return [{ message: `Table ${tableLabel(ddl)} is created without a primary key.`, fragment: ctx.stmt.stripped }];
}

/**
 * An ALTER that leaves the table without a primary key: DROP PRIMARY KEY without a new one, or
 * dropping every primary-key column (the server then drops the key). Judged on the batch's end
 * state: a later statement that adds a primary key makes it fine.
 */
function alterLoses(ctx: RuleContext, ddl: TableDdl): FindingDraft[] {
  const dropsPk = ddl.actions.some((a) => a.type === 'drop-primary-key');
  const before = tableBefore(ctx, ddl.table);
  if (!before) {
    // The table is not known: judge the statement's own words.
    if (!dropsPk || ddl.indexes.some((i) => i.kind === 'primary') || laterAddsPk(ctx, ddl)) return [];
    return [dropped(ddl)];
  }
  const pk = primaryKey(before);
  const after = changeOf(ctx)?.after;
  if (!pk || !after || primaryKey(after) || hasPkAtEnd(ctx, after)) return [];
  if (dropsPk) return [dropped(ddl)];
  return [
    {
      message: `This ALTER drops every primary-key column of ${tableLabel(ddl)} (${pk.columns.map((c) => `\`${c}\``).join(', ')}), so the table is left without a primary key.`,
      fragment: `DROP COLUMN ${pk.columns[pk.columns.length - 1]}`,
    },
  ];
}

function dropped(ddl: TableDdl): FindingDraft {
  return {
    message: `This ALTER drops the primary key of ${tableLabel(ddl)} without adding a new one.`,
    fragment: 'DROP PRIMARY KEY',
  };
}

function hasPkAtEnd(ctx: RuleContext, table: CatalogTable): boolean {
  const end = tableAtEnd(ctx, table);
  return end !== undefined && primaryKey(end) !== undefined;
}

/** For a table the review does not know: does a later ALTER / CREATE of it declare a primary key? */
function laterAddsPk(ctx: RuleContext, ddl: TableDdl): boolean {
  const ref = ddl.table;
  if (!ref) return false;
  return ctx.batch.some((later) => {
    if (later.index <= ctx.stmt.index) return false;
    const other = tableDdl(later);
    return (
      other?.table !== undefined &&
      other.table !== null &&
      sameTable(other.table, ref, stateSchema(ctx)) &&
      other.indexes.some((i) => i.kind === 'primary')
    );
  });
}
