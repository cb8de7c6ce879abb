import { defineRule } from '../../define-rule.js';
import { indexFragment, tableDdl } from '../../ast-ddl.js';

export const namingIndexAnonymous = defineRule({
  id: 'naming.index.anonymous',
  severity: 'warning',
  needs: 'text',
  summary: 'every index has a name',
  why:
    'An unnamed index gets the name of its first column (`email`, `email_2`, …), which ' +
    'says nothing about it, differs between environments that were built in a different ' +
    'order, and makes later DROP INDEX statements fragile.',
  fix:
    'Name the key: KEY idx_<table>_<columns> (…) or UNIQUE KEY uk_<table>_<columns> (…), ' +
    'also for a UNIQUE written on the column itself.',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    return ddl.indexes
      .filter((index) => index.name === null && index.kind !== 'primary' && index.kind !== 'foreign')
      .map((index) => ({
        message: `${index.kind === 'unique' ? 'A UNIQUE key' : `A ${index.kind === 'index' ? '' : `${index.kind.toUpperCase()} `}key`} on (${index.columns.map((c) => c.name || '…').join(', ')}) has no name.`,
        fragment: indexFragment(index),
      }));
  },
});
