import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { columnName, conditions, exprParts, locate, showParts, walkExpr, type AstNode } from '../../ast-dml.js';
import type { FindingDraft } from '../../types.js';

export const whereInContainsColumn = defineRule({
  id: 'statement.where.in-contains-column',
  severity: 'error',
  needs: 'text',
  summary: 'an IN list must not contain the column it tests',
  why:
    '`id IN (1, 2, id)` is true for every row whose id is not NULL, because id always ' +
    'equals itself: an UPDATE or DELETE with it changes the whole table. It is usually a ' +
    'typo or a bad string substitution.',
  fix: 'Remove the column from the list and keep only the values you meant, e.g. `id IN (1, 2)`.',
  check({ stmt }) {
    if (!isObject(stmt.ast)) return [];
    const findings: FindingDraft[] = [];
    for (const { clause, expr } of conditions(stmt.ast)) {
      walkExpr(expr, (node) => {
        if (node.type !== 'binary_expr' || (node.operator !== 'IN' && node.operator !== 'NOT IN')) return;
        if (!isObject(node.left) || !isObject(node.right) || !Array.isArray(node.right.value)) return;
        const left = node.left;
        if (!node.right.value.some((item) => isObject(item) && sameColumn(left, item))) return;
        const parts = exprParts(node);
        const name = showParts(exprParts(left));
        const effect = node.operator === 'IN' ? 'matches every row where it is not NULL' : 'matches no row';
        findings.push({
          message: `\`${showParts(parts)}\` in ${clause} lists \`${name}\` itself, so it ${effect}.`,
          fragment: showParts(parts),
          ...locate(stmt, parts),
        });
      });
    }
    return findings;
  },
});

/** Same column: names equal, and the table qualifiers equal or one of them missing. */
function sameColumn(a: AstNode, b: AstNode): boolean {
  const [na, nb] = [columnName(a), columnName(b)];
  if (na === undefined || nb === undefined || na.toLowerCase() !== nb.toLowerCase()) return false;
  const [ta, tb] = [a.table, b.table];
  return typeof ta !== 'string' || typeof tb !== 'string' || ta.toLowerCase() === tb.toLowerCase();
}
