import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { insertShape } from './_insert-shape.js';

export const insertRowLimit = defineRule({
  id: 'statement.insert.row-limit',
  severity: 'warning',
  needs: 'text',
  summary: 'an INSERT should not write more than N rows in one statement',
  why:
    'One huge INSERT is one huge transaction: it holds locks for its whole duration, ' +
    'makes replicas fall behind while they replay it, can exceed max_allowed_packet, and ' +
    'if it fails everything is rolled back after a long wait.',
  fix:
    'Split the rows into several INSERT statements of at most a few hundred rows each, or ' +
    'ask a DBA to load a large data set with a bulk-load job.',
  params: z.strictObject({ max: z.number().int().positive().default(1000) }),
  check({ stmt, params }) {
    const shape = insertShape(stmt);
    if (shape?.source !== 'values' || shape.rows.length <= params.max) return [];
    const table = shape.table ? ` into \`${shape.table}\`` : '';
    return [
      {
        message: `This ${shape.verb} writes ${shape.rows.length} rows${table} in one statement (more than ${params.max}).`,
        fragment: stmt.stripped,
      },
    ];
  },
});
