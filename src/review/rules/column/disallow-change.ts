import { defineRule } from '../../define-rule.js';
import { columnFragment, tableDdl, tableLabel } from '../../ast-ddl.js';

export const columnDisallowChange = defineRule({
  id: 'column.disallow-change',
  severity: 'warning',
  needs: 'text',
  summary: 'no CHANGE COLUMN',
  why:
    'CHANGE COLUMN renames and redefines a column in one go: a rename breaks code that ' +
    'uses the old name, and a typo in the repeated name silently renames the column.',
  fix:
    'Use MODIFY COLUMN to change a definition. To rename, add the new column, migrate ' +
    'code and data, then drop the old one in a later change.',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    return ddl.actions.flatMap((action) => {
      if (action.type !== 'change-column') return [];
      const renames = action.from.toLowerCase() !== action.column.name.toLowerCase();
      const message = renames
        ? `CHANGE COLUMN renames \`${action.from}\` of ${tableLabel(ddl)} to \`${action.column.name}\`.`
        : `CHANGE COLUMN \`${action.from}\` of ${tableLabel(ddl)} keeps its name: use MODIFY COLUMN.`;
      return [{ message, fragment: `CHANGE ${action.from} ${columnFragment(action.column)}` }];
    });
  },
});
