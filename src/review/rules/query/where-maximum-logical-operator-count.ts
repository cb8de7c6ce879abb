import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { conditions, exprParts, locate, showParts, walkExpr, type AstNode } from '../../ast-dml.js';
import type { FindingDraft } from '../../types.js';

export const whereMaximumLogicalOperatorCount = defineRule({
  id: 'statement.where.maximum-logical-operator-count',
  severity: 'warning',
  needs: 'text',
  summary: 'IN lists and OR chains should not be longer than N',
  why:
    'A very long IN list or OR chain is slow to parse and optimise, can make the ' +
    'optimiser give up on range access (range_optimizer_max_mem_size) and scan the table, ' +
    'and makes the statement huge in the binary log.',
  fix:
    'Split the statement into batches of a few hundred values, or load the values into a ' +
    '(temporary) table and JOIN on it.',
  params: z.strictObject({ max: z.number().int().positive().default(1000) }),
  check({ stmt, params }) {
    if (!isObject(stmt.ast)) return [];
    const findings: FindingDraft[] = [];
    const inChain = new WeakSet<AstNode>(); // ORs already counted as part of an outer chain
    for (const { clause, expr } of conditions(stmt.ast)) {
      walkExpr(expr, (node) => {
        if (node.type !== 'binary_expr') return;
        if (
          (node.operator === 'IN' || node.operator === 'NOT IN') &&
          isObject(node.right) &&
          Array.isArray(node.right.value)
        ) {
          const count = node.right.value.length;
          if (count <= params.max) return;
          const head = [...exprParts(node.left), String(node.operator), '('];
          findings.push({
            message: `\`${showParts(head)}…)\` in ${clause} lists ${count} values (more than ${params.max}).`,
            fragment: `${showParts(head)}…)`,
            ...locate(stmt, head),
          });
          return;
        }
        if (node.operator !== 'OR' || inChain.has(node)) return;
        const count = orOperands(node, inChain);
        if (count > params.max) {
          const parts = exprParts(node, 8);
          findings.push({
            message: `An OR chain in ${clause} has ${count} alternatives (more than ${params.max}).`,
            fragment: showParts(parts),
            ...locate(stmt, parts),
          });
        }
      });
    }
    return findings;
  },
});

/** Number of operands of a chain of ORs (`a OR b OR c` is 3), however it is nested. */
function orOperands(node: AstNode, inChain: WeakSet<AstNode>): number {
  let count = 0;
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isObject(n) && n.type === 'binary_expr' && n.operator === 'OR') {
      inChain.add(n);
      stack.push(n.left, n.right);
    } else {
      count++;
    }
  }
  return count;
}
