import { exprParts, functionName, locate, showParts, walkExpr, type AstNode } from '../../ast-dml.js';
import { blockConditions, indexUsing, resolveColumn, statementScope, type Scope } from '../../catalog/resolve.js';
import { defineRule } from '../../define-rule.js';
import type { FindingDraft, StatementKind } from '../../types.js';

const DML: ReadonlySet<StatementKind> = new Set(['select', 'insert', 'replace', 'update', 'delete']);
const ARITHMETIC = new Set(['+', '-', '*', '/', '%', 'DIV', 'MOD', '&', '|', '^', '<<', '>>', '||']);
/** Parsed as functions, but logical operators rather than computations on a value. */
const NOT_COMPUTATIONS = new Set(['NOT', 'EXISTS']);

export const whereDisallowFunctionsAndCalculations = defineRule({
  id: 'statement.where.disallow-functions-and-calculations',
  severity: 'warning',
  needs: 'catalog',
  summary: 'no function or arithmetic on an indexed column in WHERE or ON',
  why:
    "An index stores the column's values as they are. Once a condition wraps the column " +
    'in a function or a calculation (`DATE(created_at) = …`, `id + 1 = …`), the server ' +
    'must compute it for every row and cannot use the index: the query scans the table.',
  fix:
    'Move the calculation to the other side of the comparison, e.g. `created_at >= ' +
    "'2024-01-01' AND created_at < '2024-01-02'` instead of `DATE(created_at) = " +
    "'2024-01-01'`, or `id = 5 - 1` instead of `id + 1 = 5`.",
  check({ stmt, catalog, schema }) {
    if (!catalog || !stmt.ast || !DML.has(stmt.kind)) return [];
    const scope = statementScope(stmt.ast, catalog, schema);
    const findings: FindingDraft[] = [];
    for (const { clause, expr, local } of blockConditions(stmt.ast)) {
      walkExpr(expr, (node) => {
        if (!isComputation(node)) return;
        const hit = indexedColumnIn(node, scope, local);
        if (!hit) return false; // nothing inside refers to an indexed column
        const parts = exprParts(node);
        findings.push({
          message: `\`${showParts(parts)}\` in the ${clause} clause ${describe(node)} \`${hit.column}\`, which ${hit.index === 'PRIMARY' ? 'the primary key' : `index \`${hit.index}\``} of \`${hit.table}\` covers: the server cannot use that index for this condition.`,
          fragment: showParts(parts),
          ...locate(stmt, parts),
        });
        return false;
      });
    }
    return findings;
  },
});

function isComputation(node: AstNode): boolean {
  if (node.type === 'function') return !NOT_COMPUTATIONS.has(functionName(node) ?? '');
  if (node.type === 'cast' || node.type === 'aggr_func') return true;
  if (node.type === 'binary_expr') return ARITHMETIC.has(String(node.operator).toUpperCase());
  if (node.type === 'unary_expr') return node.operator === '-' || node.operator === '~';
  return false;
}

function describe(node: AstNode): string {
  return node.type === 'binary_expr' || node.type === 'unary_expr'
    ? 'calculates with the indexed column'
    : 'applies a function to the indexed column';
}

function indexedColumnIn(
  node: AstNode,
  scope: Scope,
  local: ReadonlySet<string>,
): { column: string; index: string; table: string } | undefined {
  let hit: { column: string; index: string; table: string } | undefined;
  walkExpr(node, (n) => {
    if (hit || n.type !== 'column_ref') return;
    const resolved = resolveColumn(scope, n, local);
    if (resolved.status !== 'found' || !resolved.source.table) return;
    const index = indexUsing(resolved.source.table, resolved.column.name);
    if (index) hit = { column: resolved.column.name, index, table: resolved.source.table.name };
  });
  return hit;
}
