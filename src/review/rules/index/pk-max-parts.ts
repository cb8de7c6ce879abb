import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { indexFragment, tableDdl, tableLabel } from '../../ast-ddl.js';

export const indexPkMaxParts = defineRule({
  id: 'index.pk-max-parts',
  severity: 'warning',
  needs: 'text',
  summary: 'primary keys of at most N columns',
  why:
    'InnoDB copies the whole primary key into every secondary index entry, so a wide ' +
    'composite key makes every index bigger and slower; it also makes rows awkward to ' +
    'reference from other tables.',
  fix: 'Use a single surrogate key (id BIGINT UNSIGNED AUTO_INCREMENT) and a UNIQUE key over the natural columns.',
  params: z.strictObject({ max: z.number().int().positive().default(3) }),
  check({ stmt, params }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    const primary = ddl.indexes.find((i) => i.kind === 'primary');
    if (!primary || primary.columns.length <= params.max) return [];
    return [
      {
        message: `The primary key of ${tableLabel(ddl)} has ${primary.columns.length} columns; the limit is ${params.max}.`,
        fragment: indexFragment(primary),
      },
    ];
  },
});
