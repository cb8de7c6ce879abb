import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { conditions, exprParts, locate, showParts, walkExpr } from '../../ast-dml.js';
import type { FindingDraft } from '../../types.js';

const EQUALITY = new Set(['=', '!=', '<>']);

export const whereNoEqualNull = defineRule({
  id: 'statement.where.no-equal-null',
  severity: 'warning',
  needs: 'text',
  summary: 'compare with NULL using IS NULL, not = NULL',
  why:
    'In SQL, `= NULL`, `!= NULL` and `IN (NULL)` are never true: a comparison with NULL ' +
    'gives NULL, so the condition silently matches no row (and `NOT IN (…, NULL)` matches ' +
    'none at all).',
  fix:
    'Write `col IS NULL` or `col IS NOT NULL`, and remove NULL from IN lists (add `OR col ' +
    'IS NULL` if you meant to include missing values).',
  check({ stmt }) {
    if (!isObject(stmt.ast)) return [];
    const findings: FindingDraft[] = [];
    for (const { clause, expr } of conditions(stmt.ast)) {
      walkExpr(expr, (node) => {
        if (node.type !== 'binary_expr' || typeof node.operator !== 'string') return;
        const op = node.operator.toUpperCase();
        if (EQUALITY.has(op) && (isNull(node.left) || isNull(node.right))) {
          const parts = exprParts(node);
          const fixed = op === '=' ? 'IS NULL' : 'IS NOT NULL';
          findings.push({
            message: `\`${showParts(parts)}\` in ${clause} is never true; write \`${fixed}\`.`,
            fragment: showParts(parts),
            ...locate(stmt, parts),
          });
        } else if (
          (op === 'IN' || op === 'NOT IN') &&
          isObject(node.right) &&
          Array.isArray(node.right.value) &&
          node.right.value.some(isNull)
        ) {
          const parts = exprParts(node);
          const effect =
            op === 'IN' ? 'the NULL in the list never matches' : 'a NULL in a NOT IN list makes it match no row at all';
          findings.push({
            message: `\`${showParts(parts)}\` in ${clause}: ${effect}.`,
            fragment: showParts(parts),
            ...locate(stmt, parts),
          });
        }
      });
    }
    return findings;
  },
});

function isNull(node: unknown): boolean {
  return isObject(node) && node.type === 'null';
}
