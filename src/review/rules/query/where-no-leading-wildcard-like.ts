import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { conditions, exprParts, functionName, locate, showParts, walkExpr } from '../../ast-dml.js';
import type { FindingDraft } from '../../types.js';

export const whereNoLeadingWildcardLike = defineRule({
  id: 'statement.where.no-leading-wildcard-like',
  severity: 'warning',
  needs: 'text',
  summary: "LIKE patterns should not start with a wildcard ('%x')",
  why:
    "An index on a text column is sorted from the first character, so `LIKE '%x'` (or " +
    "`'_x'`) cannot use it: the server reads every row and tests the pattern on each.",
  fix:
    "Anchor the pattern at the start (`LIKE 'x%'`) if you can; for searching inside text " +
    'use a FULLTEXT index with MATCH … AGAINST, or store a reversed copy of the column ' +
    'for suffix searches.',
  check({ stmt }) {
    if (!isObject(stmt.ast)) return [];
    const findings: FindingDraft[] = [];
    for (const { clause, expr } of conditions(stmt.ast)) {
      walkExpr(expr, (node) => {
        if (node.type !== 'binary_expr' || (node.operator !== 'LIKE' && node.operator !== 'NOT LIKE')) return;
        const pattern = leadingPattern(node.right);
        if (pattern === undefined) return;
        const parts = exprParts(node);
        findings.push({
          message: `\`${showParts(parts)}\` in ${clause} starts with the wildcard '${pattern.charAt(0)}', so no index can be used.`,
          fragment: showParts(parts),
          ...locate(stmt, parts),
        });
      });
    }
    return findings;
  },
});

/** The pattern text when it (or the first part of a CONCAT) starts with % or _. */
function leadingPattern(node: unknown): string | undefined {
  if (!isObject(node)) return undefined;
  if ((node.type === 'single_quote_string' || node.type === 'double_quote_string') && typeof node.value === 'string') {
    return /^[%_]/.test(node.value) ? node.value : undefined;
  }
  if (
    node.type === 'function' &&
    functionName(node) === 'CONCAT' &&
    isObject(node.args) &&
    Array.isArray(node.args.value)
  ) {
    return leadingPattern(node.args.value[0]);
  }
  return undefined;
}
