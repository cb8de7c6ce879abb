import { isObject } from '../ast.js';
import { functionRefusal, HARMLESS_AGGREGATES } from './functions.js';

/**
 * The one place that decides whether a user's SQL may be evaluated by a server before a ticket is
 * approved, read from node-sql-parser's tree (never by running it). Allowed: column references,
 * literals, operators (comparison, logical, arithmetic, IS [NOT] NULL, IN (list), BETWEEN, LIKE,
 * REGEXP), CASE, CAST, INTERVAL, EXTRACT, COLLATE and the built-in functions of functions.ts.
 * Refused, each with its reason: subqueries, stored or unknown functions, variables (`@x`, `@@x`),
 * assignments, and any construct this file does not know.
 */
export interface ExpressionRules {
  /** A row condition of one table (a migrate `where`): only its columns, no aggregate or window function. */
  table?: { name: string; schema?: string; columns: ReadonlySet<string> };
}

/** Literals and identifier parts: nothing to evaluate. */
const INERT = new Set([
  'number',
  'single_quote_string',
  'double_quote_string',
  'natural_string',
  'hex_string',
  'full_hex_string',
  'bit_string',
  'bool',
  'null',
  'date',
  'time',
  'datetime',
  'timestamp',
  'default',
  'backticks_quote_string',
  'origin',
  'star',
  'collate',
  'dual',
]);

/** Node types that only hold other nodes (an ORDER BY item's direction, LIKE's ESCAPE, OVER). */
const CONTAINERS = new Set([
  'binary_expr',
  'unary_expr',
  'expr_list',
  'case',
  'when',
  'else',
  'cast',
  'interval',
  'extract',
  'fulltext_search',
  'window',
  'ASC',
  'DESC',
  'ESCAPE',
]);

const STATEMENTS = new Set(['select', 'update', 'delete', 'insert', 'replace', 'union']);

/** Why an expression may not be used: it names a column the table lacks, or it is not provably harmless. */
export interface Refusal {
  reason: string;
  kind: 'missing-column' | 'unsafe';
}

/** Every reason the expression may not be evaluated before approval (empty when it may). */
export function expressionRefusals(node: unknown, rules: ExpressionRules = {}): Refusal[] {
  const found = new Map<string, Refusal>();
  visit(node, rules, (reason, kind = 'unsafe') => found.set(reason, { reason, kind }));
  return [...found.values()];
}

type Refuse = (reason: string, kind?: Refusal['kind']) => void;

export function visit(node: unknown, rules: ExpressionRules, refuse: Refuse): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, rules, refuse);
    return;
  }
  if (!isObject(node)) return;
  const subquery = isObject(node.ast)
    ? node.ast
    : typeof node.type === 'string' && STATEMENTS.has(node.type)
      ? node
      : null;
  if (subquery) {
    refuse('it has a subquery, which a server may run as soon as it reads the statement');
    // Say what else it would run; its columns are not the table's, so they are not checked.
    for (const key in subquery) if (key !== 'type') visit(subquery[key], {}, refuse);
    return;
  }
  const type = typeof node.type === 'string' ? node.type : undefined;
  if (type === undefined) {
    for (const key in node) visit(node[key], rules, refuse);
    return;
  }
  if (INERT.has(type)) return;
  switch (type) {
    case 'column_ref':
      checkColumn(node, rules, refuse);
      return;
    case 'function':
      checkFunction(node, rules, refuse);
      return;
    case 'aggr_func':
      checkAggregate(node, rules, refuse);
      return;
    case 'var':
      refuse(`it uses the variable \`${variableName(node)}\``);
      return;
    case 'assign':
      refuse('it assigns a variable (`:=`)');
      return;
  }
  if (!CONTAINERS.has(type)) {
    refuse(`it uses \`${type}\`, which dbops cannot prove harmless`);
    return;
  }
  if (type === 'window' && rules.table) refuse('it uses a window function, which cannot filter rows');
  for (const key in node) if (key !== 'type') visit(node[key], rules, refuse);
}

function checkColumn(node: Record<string, unknown>, rules: ExpressionRules, refuse: Refuse): void {
  const table = rules.table;
  if (!table) return;
  const column = columnName(node.column);
  if (column === undefined || column === '*') {
    refuse('it names something other than a column');
    return;
  }
  const qualifier = typeof node.table === 'string' ? node.table : null;
  if (qualifier !== null && qualifier.toLowerCase() !== table.name.toLowerCase()) {
    refuse(`it names \`${qualifier}.${column}\`; only columns of the copied table can be used`);
    return;
  }
  const db = typeof node.db === 'string' ? node.db : null;
  if (db !== null && table.schema !== undefined && db.toLowerCase() !== table.schema.toLowerCase()) {
    refuse(`it names \`${db}.${qualifier ?? ''}.${column}\`; only columns of the copied table can be used`);
    return;
  }
  if (!table.columns.has(column.toLowerCase()))
    refuse(`\`${table.name}\` has no column \`${column}\``, 'missing-column');
}

function checkFunction(node: Record<string, unknown>, rules: ExpressionRules, refuse: Refuse): void {
  const name = functionName(node.name);
  if (!name) {
    refuse('it calls a function dbops cannot read');
    return;
  }
  const reason = functionRefusal(name.value, { schema: name.schema, quoted: name.quoted });
  if (reason) refuse(reason);
  if (node.over && rules.table) refuse('it uses a window function, which cannot filter rows');
  visit(node.args, rules, refuse);
  visit(node.over, rules, refuse);
}

function checkAggregate(node: Record<string, unknown>, rules: ExpressionRules, refuse: Refuse): void {
  const name = typeof node.name === 'string' ? node.name : '';
  if (rules.table) refuse(`it uses the aggregate \`${name}()\`, which cannot filter rows`);
  else if (!HARMLESS_AGGREGATES.has(name.toUpperCase()))
    refuse(`it calls \`${name}()\`, a function dbops cannot prove harmless`);
  visit(node.args, rules, refuse);
  visit(node.over, rules, refuse);
}

/** `col`, or node-sql-parser's `{ expr: { type: 'default', value: 'col' } }`. */
function columnName(column: unknown): string | undefined {
  if (typeof column === 'string') return column;
  if (isObject(column) && isObject(column.expr) && typeof column.expr.value === 'string') return column.expr.value;
  return undefined;
}

/** `{ name: [{ type, value }], schema?: { value } }` → the name, its schema, whether it was quoted. */
function functionName(name: unknown): { value: string; schema?: string; quoted: boolean } | undefined {
  if (!isObject(name) || !Array.isArray(name.name)) return undefined;
  const parts = name.name.filter(isObject);
  const last = parts[parts.length - 1];
  if (!last || typeof last.value !== 'string') return undefined;
  // `db.fn()` comes as a schema, or as two name parts.
  const schemaPart = isObject(name.schema) && typeof name.schema.value === 'string' ? name.schema.value : undefined;
  const leading = parts.slice(0, -1).map((p) => String(p.value));
  const schema = schemaPart ?? (leading.length > 0 ? leading.join('.') : undefined);
  return { value: last.value, schema, quoted: last.type !== 'default' && last.type !== 'origin' };
}

function variableName(node: Record<string, unknown>): string {
  const prefix = typeof node.prefix === 'string' ? node.prefix : '@';
  return `${prefix}${typeof node.name === 'string' ? node.name : ''}`;
}
