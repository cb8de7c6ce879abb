import { defineRule } from '../../define-rule.js';
import { tableDdl } from '../../ast-ddl.js';

export const columnDisallowChangingOrder = defineRule({
  id: 'column.disallow-changing-order',
  severity: 'notice',
  needs: 'text',
  summary: 'no FIRST / AFTER in column definitions',
  why:
    'Placing a column with FIRST or AFTER (or moving one with MODIFY … AFTER) rebuilds ' +
    'the whole table on most MySQL versions instead of adding the column instantly, and ' +
    'column order does not matter to code that names its columns.',
  fix: 'Drop FIRST/AFTER and let the column go at the end of the table.',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (ddl?.statement !== 'alter-table') return [];
    return ddl.actions.flatMap((action) => {
      if (action.type !== 'add-column' && action.type !== 'modify-column' && action.type !== 'change-column') return [];
      const position = action.column.position;
      if (!position) return [];
      const where = position.kind === 'first' ? 'FIRST' : `AFTER ${position.column}`;
      const verb = action.type === 'add-column' ? 'adds' : 'moves';
      return [{ message: `This ALTER ${verb} column \`${action.column.name}\` ${where}.`, fragment: where }];
    });
  },
});
