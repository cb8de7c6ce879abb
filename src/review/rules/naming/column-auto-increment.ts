import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { columnFragment, tableDdl } from '../../ast-ddl.js';
import { patternParam, regex } from './_pattern.js';

export const namingColumnAutoIncrement = defineRule({
  id: 'naming.column.auto-increment',
  severity: 'notice',
  needs: 'text',
  summary: 'the AUTO_INCREMENT column is named id',
  why:
    "When every table's generated key has the same name, joins, tools and code generators " +
    'can rely on it without looking each table up.',
  fix: 'Name the AUTO_INCREMENT column `id` (and call the references to it `<table>_id`).',
  params: z.strictObject({ pattern: patternParam('^id$') }),
  check({ stmt, params }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    const re = regex(params.pattern);
    return ddl.columns
      .filter((col) => col.autoIncrement && !re.test(col.name))
      .map((col) => ({
        message: `AUTO_INCREMENT column \`${col.name}\` does not match ${params.pattern}.`,
        fragment: columnFragment(col),
      }));
  },
});
