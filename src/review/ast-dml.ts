import { isObject, walk } from './ast.js';
import { tokens, type Token } from './strip.js';
import type { AnyAst, ReviewStatement } from './types.js';

/** Helpers for the DML and query rules: SELECT blocks, conditions, fragments, tokens. */

export type AstNode = Record<string, unknown>;

/** Every SELECT block of a statement: union branches, subqueries, CTE bodies, derived tables. */
export function selectBlocks(ast: AnyAst): AstNode[] {
  return memo(selectCache, ast, () => {
    const blocks: AstNode[] = [];
    walk(ast, (n) => {
      if (n.type === 'values') return false; // INSERT rows: no SELECT there, and possibly huge
      if (n.type === 'select') blocks.push(n);
    });
    return blocks;
  });
}

// Several rules ask the same questions of one AST: answer each once per statement.
const selectCache = new WeakMap<object, AstNode[]>();
const conditionCache = new WeakMap<object, Condition[]>();
const blockCache = new WeakMap<object, AstNode[]>();

function memo<T>(cache: WeakMap<object, T>, key: unknown, compute: () => T): T {
  if (!isObject(key)) return compute();
  let value = cache.get(key);
  if (value === undefined) {
    value = compute();
    cache.set(key, value);
  }
  return value;
}

/** The FROM items of a SELECT or DELETE, or the table list of an UPDATE. */
export function fromItems(node: AstNode): AstNode[] {
  const list = node.type === 'update' ? node.table : node.from;
  return Array.isArray(list) ? list.filter(isObject) : [];
}

export interface Condition {
  clause: 'WHERE' | 'HAVING' | 'ON';
  expr: AstNode;
}

/** WHERE, HAVING and JOIN … ON conditions of every SELECT, UPDATE and DELETE in the statement. */
export function conditions(ast: AnyAst): Condition[] {
  return memo(conditionCache, ast, () => {
    const found: Condition[] = [];
    for (const n of queryBlocks(ast)) {
      if (isObject(n.where)) found.push({ clause: 'WHERE', expr: n.where });
      if (isObject(n.having)) found.push({ clause: 'HAVING', expr: n.having });
      for (const item of fromItems(n)) if (isObject(item.on)) found.push({ clause: 'ON', expr: item.on });
    }
    return found;
  });
}

/** Walk an expression without entering subqueries (they have conditions of their own). */
export function walkExpr(expr: unknown, visit: (n: AstNode) => boolean | void): void {
  walk(expr, (n) => (n.type === 'select' || 'ast' in n ? false : visit(n)));
}

/** A subquery node (`(SELECT …)` wrapper or a bare select). */
export function isSubquery(node: unknown): boolean {
  return isObject(node) && (node.type === 'select' || isObject(node.ast));
}

/** Upper-cased name of a plain (not schema-qualified) function call, or undefined. */
export function functionName(node: AstNode): string | undefined {
  if (node.type === 'aggr_func' && typeof node.name === 'string') return node.name.toUpperCase();
  if (node.type !== 'function' || !isObject(node.name) || node.name.schema) return undefined;
  const parts = node.name.name;
  const last: unknown = Array.isArray(parts) ? parts[parts.length - 1] : undefined;
  return isObject(last) && typeof last.value === 'string' ? last.value.toUpperCase() : undefined;
}

/** Column name of a column_ref (string or `{ expr: { value } }` form). */
export function columnName(node: AstNode): string | undefined {
  if (node.type !== 'column_ref') return undefined;
  if (typeof node.column === 'string') return node.column;
  const expr = isObject(node.column) ? node.column.expr : undefined;
  return isObject(expr) && typeof expr.value === 'string' ? expr.value : undefined;
}

const LITERALS = new Set([
  'number',
  'bool',
  'null',
  'single_quote_string',
  'double_quote_string',
  'hex_string',
  'bit_string',
  'natural_string',
]);

/** A literal, or an expression built only from literals (`1 = 1`, `'a' = 'a'`, `NOT 0`). */
export function isConstant(node: unknown): boolean {
  if (!isObject(node)) return false;
  if (typeof node.type === 'string' && LITERALS.has(node.type)) return true;
  if (node.type === 'binary_expr') return isConstant(node.left) && isConstant(node.right);
  if (node.type === 'unary_expr') return isConstant(node.expr);
  if (node.type === 'expr_list')
    return Array.isArray(node.value) && node.value.length > 0 && node.value.every(isConstant);
  if (node.type === 'function' && functionName(node) === 'NOT') return isObject(node.args) && isConstant(node.args);
  return false;
}

/**
 * SQL words of an expression, for quoting it in a message and finding it in the text. Long
 * expressions end with '…'.
 */
export function exprParts(node: unknown, budget = 16): string[] {
  const out: string[] = [];
  const add = (n: unknown): void => {
    if (out.length >= budget) {
      if (out[out.length - 1] !== '…') out.push('…');
      return;
    }
    if (!isObject(n)) return void out.push('…');
    if (n.parentheses === true && n.type !== 'expr_list') {
      out.push('(');
      addBare(n);
      out.push(')');
    } else {
      addBare(n);
    }
  };
  const addList = (items: unknown): void => {
    out.push('(');
    (Array.isArray(items) ? items : []).forEach((item, i) => {
      if (i > 0) out.push(',');
      add(item);
    });
    out.push(')');
  };
  const addBare = (n: AstNode): void => {
    switch (n.type) {
      case 'column_ref':
        if (typeof n.table === 'string') out.push(n.table, '.');
        return void out.push(columnName(n) ?? '…');
      case 'number':
        return void out.push(String(n.value));
      case 'single_quote_string':
        return void out.push(`'${String(n.value)}'`);
      case 'double_quote_string':
        return void out.push(`"${String(n.value)}"`);
      case 'bool':
        return void out.push(n.value ? 'TRUE' : 'FALSE');
      case 'null':
        return void out.push('NULL');
      case 'binary_expr':
        add(n.left);
        out.push(String(n.operator));
        return add(n.right);
      case 'unary_expr':
        out.push(String(n.operator));
        return add(n.expr);
      case 'expr_list':
        return addList(n.value);
      case 'function':
        out.push(functionName(n) ?? '…');
        return addList(isObject(n.args) ? n.args.value : []);
      default:
        out.push(isSubquery(n) ? '(SELECT …)' : '…');
    }
  };
  add(node);
  return out;
}

/** Operators written with a space before their parenthesis: `IN (1, 2)`, `NOT (a)`. */
const SPACED_BEFORE_PAREN = new Set([
  'IN',
  'NOT IN',
  'NOT',
  'AND',
  'OR',
  'XOR',
  'LIKE',
  'NOT LIKE',
  'IS',
  'IS NOT',
  'BETWEEN',
  'EXISTS',
  'NOT EXISTS',
  'ON',
  'USING',
  'VALUES',
  'WHERE',
]);

/** Parts joined as SQL is usually written: `a = 1`, `f(x, y)`, `t.id`. */
export function showParts(parts: readonly string[]): string {
  let text = '';
  parts.forEach((part, i) => {
    const prev = parts[i - 1];
    const call = part === '(' && prev !== undefined && /\w$/.test(prev) && !SPACED_BEFORE_PAREN.has(prev.toUpperCase());
    const tight = i === 0 || call || part === ',' || part === ')' || part === '.' || prev === '(' || prev === '.';
    text += (tight ? '' : ' ') + part;
  });
  return text;
}

const WORD = /^[\w$]+$/;

/**
 * Absolute line/column of the first (or last) place the parts appear in the statement text, any
 * spacing and identifier quoting allowed; `{}` (the statement start) when not found.
 */
export function locate(
  stmt: ReviewStatement,
  parts: readonly string[],
  which: 'first' | 'last' = 'first',
): { line?: number; column?: number } {
  const cut = parts.indexOf('…');
  const usable = cut === -1 ? parts : parts.slice(0, cut);
  if (usable.length === 0) return {};
  const body = usable.map((p) => (WORD.test(p) ? `\`?${p}\`?` : escapeRegex(p))).join('\\s*');
  const head = WORD.test(usable[0].charAt(0)) ? '(?<![\\w$])' : '';
  const tail = WORD.test(usable[usable.length - 1].slice(-1)) ? '(?![\\w$])' : '';
  const re = compiled(head + body + tail);
  re.lastIndex = 0;
  let offset = -1;
  for (let m = re.exec(stmt.text); m; m = re.exec(stmt.text)) {
    offset = m.index;
    if (which === 'first') break;
    if (m[0].length === 0) re.lastIndex++;
  }
  return offset === -1 ? {} : positionAt(stmt, offset);
}

/** Patterns `locate` built before: a batch asks for the same fragments statement after statement. */
const patterns = new Map<string, RegExp>();
const PATTERNS_KEPT = 2_000;

function compiled(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    if (patterns.size >= PATTERNS_KEPT) patterns.clear();
    re = new RegExp(source, 'gi');
    patterns.set(source, re);
  }
  return re;
}

/** Absolute 1-based line/column of an offset inside the statement text. */
export function positionAt(stmt: ReviewStatement, offset: number): { line: number; column: number } {
  let line = stmt.line;
  let lineStart = -1;
  for (let i = stmt.text.indexOf('\n'); i !== -1 && i < offset; i = stmt.text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i;
  }
  return { line, column: lineStart === -1 ? stmt.column + offset : offset - lineStart };
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- tokens of the comment-stripped text, for statements the parser cannot read ----

const tokenCache = new WeakMap<ReviewStatement, Token[]>();

/** Tokens of the statement's comment-stripped text, computed once per statement. */
export function statementTokens(stmt: ReviewStatement): Token[] {
  let list = tokenCache.get(stmt);
  if (!list) {
    list = [...tokens(stmt.stripped)];
    tokenCache.set(stmt, list);
  }
  return list;
}

/** Upper-cased word of a bare-word token, or ''. */
export function word(token: Token | undefined): string {
  return token?.type === 'word' ? token.text.toUpperCase() : '';
}

export function isPunct(token: Token | undefined, text: string): boolean {
  return token?.type === 'punct' && token.text === text;
}

/** Index of the first top-level (depth 0) token that is one of the words, from `start`; -1 if none. */
export function findTopWord(list: readonly Token[], words: ReadonlySet<string>, start = 0, end = list.length): number {
  for (let i = start; i < end; i++) {
    if (list[i].depth === 0 && list[i].type === 'word' && words.has(word(list[i]))) return i;
  }
  return -1;
}

/** Two-character operators, which the tokenizer returns as two punctuation tokens. */
const OPERATOR_PAIRS = new Set(['&&', '||', '<=', '>=', '!=', '<>', ':=', '<<', '>>']);

/** Tokens as SQL text (single spaces), capped at `max` characters. */
export function tokenText(list: readonly Token[], max = 80): string {
  let text = '';
  let prev = '';
  for (const t of list) {
    const glued = t.type === 'punct' && OPERATOR_PAIRS.has(prev + t.text);
    const tight =
      text === '' || glued || t.text === ',' || t.text === ')' || t.text === '.' || prev === '(' || prev === '.';
    text += (tight ? '' : ' ') + t.text;
    prev = t.type === 'punct' ? t.text : '';
    if (text.length > max) return `${text.slice(0, max)}…`;
  }
  return text;
}

/** Token texts, for `locate`. */
export function tokenParts(list: readonly Token[]): string[] {
  return list.map((t) => t.text);
}

/** `RAND()` (as written in the message) when a SELECT block, or its union, sorts by RAND(). */
export function orderByRand(block: AstNode): string | undefined {
  for (const list of [block.orderby, block._orderby]) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const expr = isObject(item) ? item.expr : undefined;
      if (isObject(expr) && functionName(expr) === 'RAND') return showParts(exprParts(expr));
    }
  }
  return undefined;
}

/** The (LIMIT, ORDER BY) pairs of a SELECT block: its own, and that of a parenthesised union it starts. */
export function limitClauses(block: AstNode): Array<{ limit: LimitValues; orderby: unknown[] }> {
  const pairs: Array<{ limit: LimitValues; orderby: unknown[] }> = [];
  for (const [limit, orderby] of [
    [block.limit, block.orderby],
    [block._limit, block._orderby],
  ]) {
    const values = limitValues(limit);
    if (values) pairs.push({ limit: values, orderby: Array.isArray(orderby) ? orderby : [] });
  }
  return pairs;
}

export interface LimitValues {
  /** As written: `10`, `100, 10`, `10 OFFSET 100`. */
  text: string;
  /** Words to find the clause in the statement text with `locate`. */
  head: string[];
  count?: number;
  offset?: number;
}

function limitValues(limit: unknown): LimitValues | undefined {
  if (!isObject(limit) || !Array.isArray(limit.value) || limit.value.length === 0) return undefined;
  const nums = limit.value.map((v: unknown) => (isObject(v) && typeof v.value === 'number' ? v.value : undefined));
  const shown = limit.value.map((v: unknown) => showParts(exprParts(v)));
  const head = ['LIMIT', shown[0]];
  if (nums.length === 1) return { text: shown[0], head, count: nums[0] };
  if (limit.seperator === ',') return { text: `${shown[0]}, ${shown[1]}`, head, offset: nums[0], count: nums[1] };
  return { text: `${shown[0]} OFFSET ${shown[1]}`, head, count: nums[0], offset: nums[1] };
}

/** Every SELECT, UPDATE and DELETE node of a statement, outermost first. */
export function queryBlocks(ast: AnyAst): AstNode[] {
  return memo(blockCache, ast, () => {
    const blocks: AstNode[] = [];
    walk(ast, (n) => {
      if (n.type === 'values') return false;
      if (n.type === 'select' || n.type === 'update' || n.type === 'delete') blocks.push(n);
    });
    return blocks;
  });
}

/** How a FROM item is written: `db.t`, its alias, or `(subquery)`; with the words to locate it. */
export function itemName(item: AstNode): { shown: string; parts: string[] } {
  if (typeof item.table === 'string') {
    const parts = typeof item.db === 'string' ? [item.db, '.', item.table] : [item.table];
    return { shown: parts.join(''), parts };
  }
  const alias = typeof item.as === 'string' ? item.as : undefined;
  return { shown: alias ? `(subquery) ${alias}` : '(subquery)', parts: [] };
}

// ---- UPDATE … SET a = 1 AND b = 2 (which the parser cannot read, but MySQL runs) ----

const SET_WORD = new Set(['SET']);
const UPDATE_WORD = new Set(['UPDATE']);
const SET_END = new Set(['WHERE', 'ORDER', 'LIMIT', 'RETURNING']);

export interface AndInSet {
  /** The assignment's tokens: `a = 1 AND b = 2`. */
  assignment: Token[];
  column: string;
  /** The column the author meant to assign next (`b`), which keeps its value. */
  target: string;
}

/** Assignments of an UPDATE's SET clause whose value goes on with `AND col =` (or OR, &&). */
export function andInSet(stmt: ReviewStatement): AndInSet[] {
  if (stmt.kind !== 'update' || !/\b(?:AND|OR)\b|&&/i.test(stmt.stripped)) return [];
  const list = statementTokens(stmt);
  const set = findTopWord(list, SET_WORD, findTopWord(list, UPDATE_WORD) + 1);
  if (set < 0) return [];
  const stop = findTopWord(list, SET_END, set + 1);
  const end = stop < 0 ? list.length : stop;
  const found: AndInSet[] = [];
  let start = set + 1;
  for (let i = start; i <= end; i++) {
    if (i < end && !(list[i].depth === 0 && isPunct(list[i], ','))) continue;
    const hit = andInAssignment(list.slice(start, i));
    if (hit) found.push(hit);
    start = i + 1;
  }
  return found;
}

function andInAssignment(a: Token[]): AndInSet | undefined {
  const eq = a.findIndex((t) => t.depth === 0 && isPunct(t, '='));
  if (eq <= 0) return undefined;
  for (let j = eq + 1; j < a.length; j++) {
    if (a[j].depth !== 0) continue;
    const w = word(a[j]);
    const amp = isPunct(a[j], '&') && isPunct(a[j + 1], '&');
    if (w !== 'AND' && w !== 'OR' && !amp) continue;
    let k = j + (amp ? 2 : 1);
    if (!isIdentifier(a[k])) continue;
    while (isPunct(a[k + 1], '.') && isIdentifier(a[k + 2])) k += 2;
    if (isPunct(a[k + 1], '=') && !isPunct(a[k + 2], '='))
      return { assignment: a, column: tokenText(a.slice(0, eq)), target: tokenText(a.slice(j + (amp ? 2 : 1), k + 1)) };
  }
  return undefined;
}

function isIdentifier(token: Token | undefined): boolean {
  return token !== undefined && ((token.type === 'word' && !/^\d/.test(token.text)) || token.text.startsWith('`'));
}

/** Index of the UPDATE or DELETE keyword that starts the statement proper (after any WITH). */
export function dmlVerbIndex(list: readonly Token[]): number {
  return findTopWord(list, DML_VERBS);
}

const DML_VERBS = new Set(['UPDATE', 'DELETE']);
