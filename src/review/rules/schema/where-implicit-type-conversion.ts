import { exprParts, locate, showParts, walkExpr } from '../../ast-dml.js';
import type { CatalogColumn } from '../../catalog/catalog.js';
import {
  blockConditions,
  indexUsing,
  resolveColumn,
  statementScope,
  typeClass,
  type Scope,
  type Source,
} from '../../catalog/resolve.js';
import { isObject } from '../../ast.js';
import { defineRule } from '../../define-rule.js';
import type { FindingDraft, StatementKind } from '../../types.js';

const DML: ReadonlySet<StatementKind> = new Set(['select', 'insert', 'replace', 'update', 'delete']);
const COMPARISONS = new Set(['=', '!=', '<>', '<', '>', '<=', '>=', '<=>', 'IN', 'NOT IN', 'BETWEEN', 'NOT BETWEEN']);
const NUMERIC_TEXT = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?\s*$/i;

type Operand =
  | { kind: 'column'; source: Source; column: CatalogColumn }
  | { kind: 'number'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'other' };

export const whereImplicitTypeConversion = defineRule({
  id: 'statement.where.implicit-type-conversion',
  severity: 'warning',
  needs: 'catalog',
  summary: 'no comparison of a string column with a number, or of a number column with non-numeric text',
  why:
    "When a string column is compared with a number, the server converts every row's " +
    "value to a number: the index on the column cannot be used, and values such as '007' " +
    "or '7abc' all equal 7. A number column compared with text like 'abc' compares with " +
    '0.',
  fix:
    "Compare with a value of the column's own type: quote numbers for string columns " +
    "(`phone = '13800000000'`), use numbers for number columns, and join columns of the " +
    'same type.',
  check({ stmt, catalog, schema }) {
    if (!catalog || !stmt.ast || !DML.has(stmt.kind)) return [];
    const scope = statementScope(stmt.ast, catalog, schema);
    const findings: FindingDraft[] = [];
    for (const { clause, expr, local } of blockConditions(stmt.ast)) {
      walkExpr(expr, (node) => {
        if (node.type !== 'binary_expr' || !COMPARISONS.has(String(node.operator).toUpperCase())) return;
        const message = mismatch(operand(node.left, scope, local), rightOperands(node.right, scope, local));
        if (!message) return;
        const parts = exprParts(node);
        findings.push({
          message: `\`${showParts(parts)}\`: ${message}`,
          fragment: showParts(parts),
          ...locate(stmt, parts),
        });
      });
    }
    return findings;
  },
});

function rightOperands(node: unknown, scope: Scope, local: ReadonlySet<string>): Operand[] {
  if (isObject(node) && node.type === 'expr_list' && Array.isArray(node.value))
    return node.value.map((v: unknown) => operand(v, scope, local));
  return [operand(node, scope, local)];
}

function operand(node: unknown, scope: Scope, local: ReadonlySet<string>): Operand {
  if (!isObject(node)) return { kind: 'other' };
  if (node.type === 'number') return { kind: 'number', text: String(node.value) };
  if (node.type === 'unary_expr' && node.operator === '-' && isObject(node.expr) && node.expr.type === 'number')
    return { kind: 'number', text: `-${String(node.expr.value)}` };
  if (node.type === 'single_quote_string' || node.type === 'double_quote_string')
    return { kind: 'string', text: String(node.value) };
  if (node.type === 'column_ref') {
    const resolved = resolveColumn(scope, node, local);
    if (resolved.status === 'found') return { kind: 'column', source: resolved.source, column: resolved.column };
  }
  return { kind: 'other' };
}

/** What goes wrong in `left <op> right…`, or undefined when the types agree (or are unknown). */
function mismatch(left: Operand, rights: Operand[]): string | undefined {
  for (const right of rights) {
    const message = pair(left, right) ?? pair(right, left);
    if (message) return message;
  }
  return undefined;
}

function pair(a: Operand, b: Operand): string | undefined {
  if (a.kind !== 'column') return undefined;
  const cls = typeClass(a.column);
  const name = `\`${a.column.name}\` (${a.column.columnType})`;
  if (cls === 'string' && b.kind === 'number') {
    return `the string column ${name} is compared with the number ${b.text}: every row's value is converted to a number${indexNote(a)}, and text such as '0${b.text}' matches too. Quote the value: '${b.text}'.`;
  }
  if (cls === 'number' && b.kind === 'string' && !NUMERIC_TEXT.test(b.text)) {
    return `the number column ${name} is compared with the text '${b.text}', which the server converts to a number (its leading digits, or 0).`;
  }
  if (cls === 'string' && b.kind === 'column' && typeClass(b.column) === 'number') {
    return `the string column ${name} is compared with the number column \`${b.column.name}\` (${b.column.columnType}): each value of \`${a.column.name}\` is converted to a number${indexNote(a)}.`;
  }
  return undefined;
}

function indexNote(op: Extract<Operand, { kind: 'column' }>): string {
  const index = op.source.table ? indexUsing(op.source.table, op.column.name) : undefined;
  return index ? `, so ${index === 'PRIMARY' ? 'the primary key' : `index \`${index}\``} cannot be used` : '';
}
