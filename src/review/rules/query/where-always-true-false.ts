import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { conditions, exprParts, functionName, isConstant, locate, showParts, type AstNode } from '../../ast-dml.js';
import type { FindingDraft } from '../../types.js';

const LOGICAL = new Set(['AND', 'OR', 'XOR', '&&', '||']);
const KINDS = new Set(['select', 'insert', 'replace', 'update', 'delete']);

export const whereAlwaysTrueFalse = defineRule({
  id: 'statement.where.always-true-false',
  severity: 'warning',
  needs: 'text',
  summary: 'a WHERE condition must not be always true or always false',
  why:
    'A condition made only of constants (1=1, OR TRUE, 1!=1, WHERE 0) does not filter ' +
    'anything: `OR 1=1` makes the statement touch every row, `AND 1=0` makes it touch ' +
    'none. It is usually a leftover from a query builder or a typo, and is the classic ' +
    'shape of SQL injection.',
  fix: 'Remove the constant condition, or replace it with the column comparison you meant (e.g. `id = 1`).',
  check({ stmt }) {
    if (!KINDS.has(stmt.kind) || !isObject(stmt.ast)) return [];
    const findings: FindingDraft[] = [];
    for (const { clause, expr } of conditions(stmt.ast)) {
      if (clause !== 'WHERE') continue;
      for (const { leaf, op, side, top } of constantLeaves(expr)) {
        const parts = exprParts(leaf);
        const shown = showParts(parts);
        const truth = truthOf(leaf);
        const effect = truth === undefined ? 'always true or always false' : truth ? 'always true' : 'always false';
        const context = op === undefined ? ['WHERE', ...parts] : side === 'left' ? [...parts, op] : [op, ...parts];
        const fragment = showParts(context);
        const subject = op === undefined ? `\`${fragment}\`` : `\`${shown}\` (in \`${fragment}\`)`;
        findings.push({
          message: `${subject} is ${effect}${consequence(truth, op, top)}.`,
          fragment,
          ...locate(stmt, context),
        });
      }
    }
    return findings;
  },
});

function consequence(truth: boolean | undefined, op: string | undefined, top: boolean): string {
  if (!top) return '';
  if (truth === true && (op === undefined || op === 'OR' || op === '||')) return ': the statement matches every row';
  if (truth === false && (op === undefined || op === 'AND' || op === '&&')) return ': the statement matches no row';
  return '';
}

interface ConstantLeaf {
  leaf: AstNode;
  /** The AND/OR/XOR joining it to the rest of the condition; undefined when it is the whole condition. */
  op?: string;
  side: 'left' | 'right';
  /** Is it in the top-level chain of one operator, so it decides the whole condition? */
  top: boolean;
}

/** Constant operands of the AND/OR structure of a condition. */
function constantLeaves(expr: AstNode): ConstantLeaf[] {
  const found: ConstantLeaf[] = [];
  const visit = (node: unknown, op: string | undefined, side: 'left' | 'right', top: boolean): void => {
    if (!isObject(node)) return;
    const own = typeof node.operator === 'string' ? node.operator.toUpperCase() : '';
    if (node.type === 'binary_expr' && LOGICAL.has(own)) {
      const chain = top && (op === undefined || op === own);
      visit(node.left, own, 'left', chain);
      visit(node.right, own, 'right', chain);
    } else if (isConstant(node)) {
      found.push({ leaf: node, op, side, top });
    }
  };
  visit(expr, undefined, 'right', true);
  return found;
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<>': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '>': (a, b) => a > b,
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
};

/** Truth of a simple constant condition, when it is easy to tell. */
function truthOf(node: AstNode): boolean | undefined {
  const value = scalar(node);
  if (typeof value === 'number') return value !== 0;
  if (node.type === 'null') return false;
  const negated = negatedOperand(node);
  if (negated) {
    const t = truthOf(negated);
    return t === undefined ? undefined : !t;
  }
  if (node.type !== 'binary_expr' || typeof node.operator !== 'string') return undefined;
  const compare = COMPARE[node.operator];
  const [a, b] = [scalar(node.left), scalar(node.right)];
  if (!compare || a === undefined || b === undefined) return undefined;
  if (typeof a === 'number' && typeof b === 'number') return compare(a, b);
  if (typeof a === 'string' && typeof b === 'string' && a === b) return compare(0, 0);
  return undefined;
}

function scalar(node: unknown): number | string | undefined {
  if (!isObject(node)) return undefined;
  if (node.type === 'number' && typeof node.value === 'number') return node.value;
  if (node.type === 'bool') return node.value ? 1 : 0;
  if ((node.type === 'single_quote_string' || node.type === 'double_quote_string') && typeof node.value === 'string')
    return node.value;
  return undefined;
}

/** The operand of `NOT x` / `!x` (a unary expression, or a NOT(…) call as the parser reads `NOT (x)`). */
function negatedOperand(node: AstNode): AstNode | undefined {
  if (node.type === 'unary_expr' && (node.operator === 'NOT' || node.operator === '!'))
    return isObject(node.expr) ? node.expr : undefined;
  if (
    node.type !== 'function' ||
    functionName(node) !== 'NOT' ||
    !isObject(node.args) ||
    !Array.isArray(node.args.value)
  )
    return undefined;
  const inner: unknown = node.args.value[0];
  return isObject(inner) ? inner : undefined;
}
