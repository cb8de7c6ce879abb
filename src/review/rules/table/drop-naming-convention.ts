import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { droppedTables, qualified } from '../../ast-ddl.js';
import { patternParam, regex } from '../naming/_pattern.js';

export const tableDropNamingConvention = defineRule({
  id: 'table.drop-naming-convention',
  severity: 'error',
  needs: 'text',
  summary: 'DROP TABLE only for tables renamed for deletion',
  why:
    'A table renamed to a marked name (e.g. `orders_del`) first shows whether anything ' +
    'still uses it: code that does fails loudly but the data is still there. Dropping an ' +
    'unrenamed table skips that safety step.',
  fix:
    'Rename the table to a name that matches the pattern (RENAME TABLE orders TO ' +
    'orders_del), wait until nothing uses it, then drop the renamed table. Where ' +
    'table.disallow-drop is also on, that drop still needs a DBA exception.',
  params: z.strictObject({ pattern: patternParam('_del$') }),
  check({ stmt, params }) {
    if (stmt.kind !== 'drop-table') return [];
    const re = regex(params.pattern);
    const wrong = droppedTables(stmt).filter((t) => !re.test(t.table));
    if (wrong.length === 0) return [];
    const names = wrong.map((t) => `\`${qualified(t)}\``).join(', ');
    return [
      {
        message: `DROP TABLE ${names}: only tables whose name matches /${params.pattern}/ may be dropped; rename ${wrong.length > 1 ? 'them' : 'it'} first.`,
        fragment: stmt.stripped,
      },
    ];
  },
});
