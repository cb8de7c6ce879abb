import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { conditions, exprParts, isSubquery, locate, showParts, walkExpr } from '../../ast-dml.js';
import type { FindingDraft } from '../../types.js';

export const subqueryInSubquery = defineRule({
  id: 'statement.subquery.in-subquery',
  severity: 'notice',
  needs: 'text',
  summary: 'IN (SELECT …) is often better written as a JOIN or EXISTS',
  why:
    'Depending on the server version and the query, `col IN (SELECT …)` may run the ' +
    'subquery again for each outer row or materialise it without an index; `NOT IN ' +
    '(SELECT …)` also returns nothing if the subquery yields a NULL.',
  fix:
    'Rewrite as a JOIN (`JOIN u ON u.x = t.id`, adding DISTINCT if needed) or as `EXISTS ' +
    '(SELECT 1 FROM u WHERE u.x = t.id)`, and check the plan with EXPLAIN.',
  check({ stmt }) {
    if (!isObject(stmt.ast)) return [];
    const findings: FindingDraft[] = [];
    for (const { clause, expr } of conditions(stmt.ast)) {
      walkExpr(expr, (node) => {
        if (node.type !== 'binary_expr' || (node.operator !== 'IN' && node.operator !== 'NOT IN')) return;
        const list = isObject(node.right) ? node.right.value : undefined;
        if (!Array.isArray(list) || list.length !== 1 || !isSubquery(list[0])) return;
        const head = [...exprParts(node.left), String(node.operator), '('];
        const shown = `${showParts(head)}SELECT …)`;
        findings.push({
          message: `\`${shown}\` in ${clause} uses a subquery; a JOIN or EXISTS is usually faster.`,
          fragment: shown,
          ...locate(stmt, [...head, 'SELECT']),
        });
      });
    }
    return findings;
  },
});
