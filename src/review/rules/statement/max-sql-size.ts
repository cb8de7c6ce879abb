import { z } from 'zod';
import { defineRule } from '../../define-rule.js';

export const maxSqlSize = defineRule({
  id: 'statement.max-sql-size',
  severity: 'warning',
  needs: 'text',
  summary: 'a statement should not be larger than N bytes',
  why:
    'A huge statement can exceed max_allowed_packet and fail, is one big transaction that ' +
    'holds locks and delays replicas, and is too large for anyone to review.',
  fix:
    'Split it into several smaller statements (e.g. INSERTs of a few hundred rows), or ' +
    'ask a DBA for a bulk-load job.',
  params: z.strictObject({ max: z.number().int().positive().default(1048576) }),
  check({ stmt, params }) {
    // UTF-8 needs at most 3 bytes per UTF-16 unit, and at least 1: skip the byte count when the length decides.
    if (stmt.text.length * 3 <= params.max) return [];
    const counted = stmt.text.length <= params.max;
    const bytes = counted ? Buffer.byteLength(stmt.text, 'utf8') : stmt.text.length;
    if (bytes <= params.max) return [];
    return [
      {
        message: `This statement is ${counted ? '' : 'at least '}${bytes} bytes long (more than ${params.max}).`,
        fragment: stmt.stripped,
      },
    ];
  },
});
