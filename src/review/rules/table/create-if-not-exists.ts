import { defineRule } from '../../define-rule.js';
import { tableDdl, tableLabel } from '../../ast-ddl.js';

export const tableCreateIfNotExists = defineRule({
  id: 'table.create-if-not-exists',
  severity: 'notice',
  needs: 'text',
  summary: 'CREATE TABLE should say IF NOT EXISTS',
  why:
    'With IF NOT EXISTS a ticket that is run again (after a partial failure, or on a ' +
    'shard that already has the table) goes on instead of stopping halfway through the ' +
    'batch.',
  fix: 'Write CREATE TABLE IF NOT EXISTS t (…). The review still checks that no table of that name exists yet.',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (ddl?.statement !== 'create-table' || ddl.ifNotExists) return [];
    return [{ message: `CREATE TABLE ${tableLabel(ddl)} without IF NOT EXISTS.`, fragment: stmt.stripped }];
  },
});
