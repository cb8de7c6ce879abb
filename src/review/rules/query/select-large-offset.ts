import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { locate, limitClauses, selectBlocks } from '../../ast-dml.js';
import type { FindingDraft } from '../../types.js';

export const selectLargeOffset = defineRule({
  id: 'statement.select.large-offset',
  severity: 'notice',
  needs: 'text',
  summary: 'LIMIT with a large offset reads and discards the skipped rows',
  why:
    'For `LIMIT 100000, 20` the server reads 100,020 rows and throws away 100,000: each ' +
    'page gets slower the further you go, and deep pages load the server for nothing.',
  fix:
    'Page by key instead of by offset ("keyset pagination"): remember the last id of the ' +
    'previous page and ask for `WHERE id > ? ORDER BY id LIMIT 20`.',
  params: z.strictObject({ max_offset: z.number().int().nonnegative().default(10000) }),
  check({ stmt, params }) {
    if (!isObject(stmt.ast)) return [];
    const findings: FindingDraft[] = [];
    for (const block of selectBlocks(stmt.ast)) {
      for (const { limit } of limitClauses(block)) {
        if (limit.offset === undefined || limit.offset <= params.max_offset) continue;
        findings.push({
          message: `\`LIMIT ${limit.text}\` skips ${limit.offset} rows (more than ${params.max_offset}); the server still reads them.`,
          fragment: `LIMIT ${limit.text}`,
          ...locate(stmt, limit.head),
        });
      }
    }
    return findings;
  },
});
