import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { indexFragment, tableDdl } from '../../ast-ddl.js';

export const indexKeyNumberLimit = defineRule({
  id: 'index.key-number-limit',
  severity: 'warning',
  needs: 'text',
  summary: 'at most N columns per index',
  why:
    'A key with many columns is large, slow to maintain on every write, and only helps ' +
    'queries that filter on its leading columns in order; usually a shorter key does the ' +
    'same job.',
  fix: 'Keep the columns that queries filter on most selectively, in that order; drop the rest from the key.',
  params: z.strictObject({ max: z.number().int().positive().default(5) }),
  check({ stmt, params }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    return ddl.indexes
      .filter((index) => index.kind !== 'primary' && index.kind !== 'foreign' && index.columns.length > params.max)
      .map((index) => ({
        message: `${index.name ? `Index \`${index.name}\`` : 'An unnamed index'} has ${index.columns.length} columns; the limit is ${params.max}.`,
        fragment: indexFragment(index),
      }));
  },
});
