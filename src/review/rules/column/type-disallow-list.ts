import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { columnFragment, resolveType, tableDdl } from '../../ast-ddl.js';

export const columnTypeDisallowList = defineRule({
  id: 'column.type-disallow-list',
  severity: 'warning',
  needs: 'text',
  summary: 'no columns of disallowed types',
  why:
    'ENUM and SET need a table rebuild to add or reorder values and sort by position ' +
    'rather than by name; BIT values are awkward to read and write from most drivers. ' +
    'Teams add other types they do not want to support.',
  fix:
    'Use a plain type instead: VARCHAR or a TINYINT code with a lookup table for ' +
    'ENUM/SET, TINYINT(1) or an integer bit mask for BIT.',
  params: z.strictObject({ types: z.array(z.string().min(1)).default(['enum', 'set', 'bit']) }),
  check({ stmt, params }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    const disallowed = new Set(params.types.map((t) => resolveType(t).base));
    return ddl.columns
      .filter((col) => disallowed.has(col.dataType))
      .map((col) => ({
        message: `Column \`${col.name}\` is ${col.dataType.toUpperCase()}, a disallowed type.`,
        fragment: columnFragment(col),
      }));
  },
});
