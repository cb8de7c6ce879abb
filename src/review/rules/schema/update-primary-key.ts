import { isObject } from '../../ast.js';
import { primaryKey, sameName } from '../../catalog/memory-catalog.js';
import { resolveColumn, statementScope } from '../../catalog/resolve.js';
import { locate } from '../../ast-dml.js';
import { defineRule } from '../../define-rule.js';
import type { FindingDraft } from '../../types.js';

export const updatePrimaryKey = defineRule({
  id: 'statement.update.primary-key',
  severity: 'warning',
  needs: 'catalog',
  summary: 'an UPDATE must not change primary-key columns',
  why:
    "The primary key is how other tables, caches, replicas and dbops' own backup find a " +
    'row. Changing it moves the row (InnoDB deletes and re-inserts it and updates every ' +
    'secondary index), breaks references to the old value, and the backup taken by ' +
    'primary key can no longer restore the row exactly.',
  fix:
    'Keep primary keys immutable: change other columns instead, or insert a new row and ' +
    'delete the old one in a reviewed migration.',
  check({ stmt, catalog, schema }) {
    if (stmt.kind !== 'update' || !catalog || !isObject(stmt.ast) || !Array.isArray(stmt.ast.set)) return [];
    const scope = statementScope(stmt.ast, catalog, schema);
    const findings: FindingDraft[] = [];
    for (const item of stmt.ast.set) {
      if (!isObject(item) || typeof item.column !== 'string') continue;
      const resolved = resolveColumn(scope, { type: 'column_ref', table: item.table ?? null, column: item.column });
      if (resolved.status !== 'found' || !resolved.source.table) continue;
      const pk = primaryKey(resolved.source.table);
      if (!pk?.columns.some((c) => sameName(c, resolved.column.name))) continue;
      findings.push({
        message: `This UPDATE sets \`${resolved.column.name}\`, ${pk.columns.length > 1 ? 'part of the primary key' : 'the primary key'} of \`${resolved.source.table.name}\` (${pk.columns.join(', ')}).`,
        fragment: `SET ${item.column} = …`,
        ...locate(stmt, [item.column, '=']),
      });
    }
    return findings;
  },
});
