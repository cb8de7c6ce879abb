import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { fromItems, locate, limitClauses, selectBlocks } from '../../ast-dml.js';
import type { FindingDraft } from '../../types.js';

export const selectLimitWithoutOrderBy = defineRule({
  id: 'statement.select.limit-without-order-by',
  severity: 'notice',
  needs: 'text',
  summary: 'LIMIT should come with ORDER BY',
  why:
    'Without ORDER BY the server returns rows in whatever order is cheapest, which ' +
    'changes with the plan, the data and the server version: the same LIMIT can return ' +
    'different rows from one run to the next, and paging skips or repeats rows.',
  fix: 'Add an ORDER BY on a unique key (e.g. `ORDER BY id`) so the rows kept by LIMIT are always the same.',
  check({ stmt }) {
    if (!isObject(stmt.ast)) return [];
    const findings: FindingDraft[] = [];
    for (const block of selectBlocks(stmt.ast)) {
      if (fromItems(block).every((item) => item.type === 'dual')) continue; // constant select: one row
      for (const { limit, orderby } of limitClauses(block)) {
        if (orderby.length > 0) continue;
        findings.push({
          message: `\`LIMIT ${limit.text}\` without ORDER BY keeps an unpredictable set of rows.`,
          fragment: `LIMIT ${limit.text}`,
          ...locate(stmt, limit.head),
        });
      }
    }
    return findings;
  },
});
