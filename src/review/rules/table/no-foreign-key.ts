import { defineRule } from '../../define-rule.js';
import { indexFragment, qualified, tableDdl, tableLabel } from '../../ast-ddl.js';

export const tableNoForeignKey = defineRule({
  id: 'table.no-foreign-key',
  severity: 'warning',
  needs: 'text',
  summary: 'no FOREIGN KEY constraints',
  why:
    'Foreign keys make every insert, update and delete check and lock rows in the other ' +
    'table, cascade changes you cannot see in the statement, block online schema-change ' +
    'tools (gh-ost cannot run on them), and get in the way of splitting tables across ' +
    'servers.',
  fix:
    'Drop the FOREIGN KEY clause and keep an ordinary index on the column; check the ' +
    'relationship in the application.',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    return ddl.indexes
      .filter((index) => index.kind === 'foreign')
      .map((index) => {
        const target = index.references ? ` referencing \`${qualified(index.references.table)}\`` : '';
        const name = index.name ? ` \`${index.name}\`` : '';
        return {
          message: `Foreign key${name} on ${tableLabel(ddl)} (${index.columns.map((c) => c.name).join(', ')})${target}.`,
          fragment: indexFragment(index),
        };
      });
  },
});
