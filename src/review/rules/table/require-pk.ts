import { defineRule } from '../../define-rule.js';
import { createDefinitions, isCreateTable, isCreateTableCopy, isObject, statementTables, tableName } from '../../ast.js';

export const tableRequirePk = defineRule({
  id: 'table.require-pk',
  severity: 'error',
  needs: 'text',
  summary: 'every table needs a primary key',
  why: 'InnoDB without a primary key uses a hidden one: row-based replication then scans the whole table for each changed row, and rows cannot be backed up or rolled back exactly.',
  fix: 'Add a primary key, e.g. `id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY`.',
  check({ stmt }) {
    if (stmt.kind === 'create-table' && isCreateTable(stmt.ast) && !isCreateTableCopy(stmt.ast)) {
      if (hasPrimaryKey(createDefinitions(stmt.ast))) return [];
      const name = statementTables(stmt.ast).map(tableName)[0] ?? 'the table';
      return [{ message: `Table \`${name}\` is created without a primary key.`, fragment: stmt.stripped.slice(0, 80) }];
    }
    if (stmt.kind === 'alter-table' && dropsPrimaryKey(stmt.ast) && !addsPrimaryKey(stmt.ast)) {
      const name = statementTables(stmt.ast).map(tableName)[0] ?? 'the table';
      return [{ message: `This ALTER drops the primary key of \`${name}\` without adding a new one.`, fragment: 'DROP PRIMARY KEY' }];
    }
    return [];
  },
});

function hasPrimaryKey(definitions: Record<string, unknown>[]): boolean {
  return definitions.some((d) => Boolean(d.primary_key) || (typeof d.constraint_type === 'string' && d.constraint_type.toLowerCase() === 'primary key'));
}

function alterActions(ast: unknown): Record<string, unknown>[] {
  return isObject(ast) && Array.isArray(ast.expr) ? ast.expr.filter(isObject) : [];
}

function dropsPrimaryKey(ast: unknown): boolean {
  return alterActions(ast).some((a) => a.action === 'drop' && typeof a.keyword === 'string' && a.keyword.toLowerCase() === 'primary key');
}

function addsPrimaryKey(ast: unknown): boolean {
  return alterActions(ast).some((a) => a.action === 'add' && (isObject(a.create_definitions) ? a.create_definitions.constraint_type === 'primary key' : String(a.constraint_type ?? '').toLowerCase() === 'primary key'));
}
