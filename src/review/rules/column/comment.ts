import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { columnFragment, tableDdl } from '../../ast-ddl.js';
import type { FindingDraft } from '../../types.js';

export const columnComment = defineRule({
  id: 'column.comment',
  severity: 'warning',
  needs: 'text',
  summary: 'columns need a comment of bounded length',
  why:
    'The column comment is where the next person learns what a value means (units, ' +
    'states, who writes it). Note that MODIFY/CHANGE COLUMN without COMMENT also deletes ' +
    'the comment the column had.',
  fix: "Add COMMENT 'what the value means' to each column definition, within the length limit.",
  params: z.strictObject({ max_length: z.number().int().positive().default(255) }),
  check({ stmt, params }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    const findings: FindingDraft[] = [];
    for (const col of ddl.columns) {
      if (col.comment === null || col.comment.trim() === '') {
        findings.push({ message: `Column \`${col.name}\` has no COMMENT.`, fragment: columnFragment(col) });
        continue;
      }
      const length = [...col.comment].length;
      if (length > params.max_length) {
        findings.push({
          message: `The comment of column \`${col.name}\` is ${length} characters long; the limit is ${params.max_length}.`,
          fragment: columnFragment(col),
        });
      }
    }
    return findings;
  },
});
