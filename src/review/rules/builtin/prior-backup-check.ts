import { isObject } from '../../ast.js';
import type { CatalogTable } from '../../catalog/catalog.js';
import { findColumn } from '../../catalog/memory-catalog.js';
import { lookupTable, statementScope } from '../../catalog/resolve.js';
import { defineRule } from '../../define-rule.js';

export const priorBackupCheck = defineRule({
  id: 'builtin.prior-backup-check',
  severity: 'warning',
  needs: 'catalog',
  summary: 'an UPDATE or DELETE must be one that can be backed up exactly (one table with a primary or unique key)',
  why:
    'Before an UPDATE or DELETE runs, dbops saves the rows it will change so they can be ' +
    'restored. That is exact only when the statement changes one table and each row can ' +
    'be found again by a primary key or a NOT NULL unique key; otherwise a rollback may ' +
    'restore the wrong rows or miss some.',
  fix:
    'Change one table per statement (select the ids from the other table first, then ' +
    '`UPDATE … WHERE id IN (…)`), and give the table a primary key before changing its ' +
    'rows.',
  check({ stmt, catalog, schema }) {
    if ((stmt.kind !== 'update' && stmt.kind !== 'delete') || !catalog || !isObject(stmt.ast)) return [];
    const verb = stmt.kind.toUpperCase();
    const sources = statementScope(stmt.ast, catalog, schema).sources;
    const joined =
      (Array.isArray(stmt.ast.table) && stmt.ast.table.length > 1) ||
      (Array.isArray(stmt.ast.from) && stmt.ast.from.length > 1);
    if (joined) {
      const names = [...new Set(sources.map((s) => `\`${s.ref.table}\``))].join(', ');
      return [
        {
          message: `This ${verb} works through several tables (${names}): the rows it changes cannot be selected and saved exactly before it runs.`,
          fragment: stmt.stripped,
        },
      ];
    }
    const ref = sources[0]?.ref;
    const table = ref ? lookupTable(catalog, ref, schema) : undefined;
    if (!table || table.partial || table.view || hasRowKey(table)) return [];
    return [
      {
        message: `\`${table.name}\` has no primary key or NOT NULL unique key, so the rows this ${verb} changes cannot be told apart to back them up and restore them exactly.`,
        fragment: stmt.stripped,
      },
    ];
  },
});

/** A primary key, or a unique key whose columns are all NOT NULL: identifies each row. */
function hasRowKey(table: CatalogTable): boolean {
  return table.indexes.some(
    (i) => i.primary || (i.unique && i.columns.every((c) => findColumn(table, c)?.nullable === false)),
  );
}
