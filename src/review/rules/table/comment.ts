import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { tableDdl, tableLabel } from '../../ast-ddl.js';

export const tableComment = defineRule({
  id: 'table.comment',
  severity: 'warning',
  needs: 'text',
  summary: 'tables need a comment of bounded length',
  why:
    'The table comment is where the next person (and the DBA on call) learns what the ' +
    'table holds and who owns it; without it, nobody dares to change or drop it.',
  fix: "Add COMMENT='what the table holds' to the CREATE TABLE, within the length limit.",
  params: z.strictObject({ max_length: z.number().int().positive().default(64) }),
  check({ stmt, params }) {
    const ddl = tableDdl(stmt);
    if (!ddl || ddl.copy === 'like') return [];
    const comment = ddl.options.comment;
    if (ddl.statement === 'create-table' && (comment === null || comment.trim() === '')) {
      return [{ message: `Table ${tableLabel(ddl)} has no COMMENT.` }];
    }
    const length = comment === null ? 0 : [...comment].length;
    if (length <= params.max_length) return [];
    return [
      {
        message: `The comment of ${tableLabel(ddl)} is ${length} characters long; the limit is ${params.max_length}.`,
        fragment: `COMMENT='${comment?.slice(0, 40)}…'`,
      },
    ];
  },
});
