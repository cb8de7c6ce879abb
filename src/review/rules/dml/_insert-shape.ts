import { isObject } from '../../ast.js';
import { findTopWord, isPunct, selectBlocks, statementTokens, word } from '../../ast-dml.js';
import type { Token } from '../../strip.js';
import type { ReviewStatement } from '../../types.js';

/** What an INSERT or REPLACE writes, read from the AST or, when the parser failed, from the tokens. */
export interface InsertShape {
  verb: 'INSERT' | 'REPLACE';
  table?: string;
  /** The column list, when one is given. */
  columns: string[] | null;
  source: 'values' | 'set' | 'select' | 'unknown';
  /** VALUES: number of values in each row. */
  rows: number[];
  /** SET a = 1, b = 2: the assigned columns. */
  setColumns: string[];
  /** INSERT … SELECT: expressions selected by the first SELECT, when known (no `*`). */
  selected?: number;
}

const cache = new WeakMap<ReviewStatement, InsertShape | null>();

export function insertShape(stmt: ReviewStatement): InsertShape | null {
  if (stmt.kind !== 'insert' && stmt.kind !== 'replace') return null;
  let shape = cache.get(stmt);
  if (shape === undefined) {
    shape = isObject(stmt.ast) ? fromAst(stmt.ast, stmt.kind) : fromTokens(statementTokens(stmt), stmt.kind);
    cache.set(stmt, shape);
  }
  return shape;
}

function fromAst(ast: Record<string, unknown>, kind: 'insert' | 'replace'): InsertShape {
  const shape = empty(kind);
  const table: unknown = Array.isArray(ast.table) ? ast.table[0] : undefined;
  if (isObject(table) && typeof table.table === 'string') shape.table = table.table;
  if (Array.isArray(ast.columns)) shape.columns = ast.columns.map(nameOf);
  const values: unknown = ast.values;
  const rows: unknown =
    isObject(values) && values.type === 'values' ? values.values : Array.isArray(values) ? values : undefined;
  if (Array.isArray(rows)) {
    shape.source = 'values';
    shape.rows = rows.map((row: unknown) => (isObject(row) && Array.isArray(row.value) ? row.value.length : 0));
  } else if (isObject(values) && values.type === 'select') {
    shape.source = 'select';
    const first = selectBlocks(values)[0];
    const cols = first && Array.isArray(first.columns) ? first.columns : undefined;
    if (cols && !cols.some(isStar)) shape.selected = cols.length;
  } else if (Array.isArray(ast.set)) {
    shape.source = 'set';
    shape.setColumns = ast.set.map((s: unknown) => (isObject(s) ? nameOf(s.column) : '?'));
  }
  return shape;
}

function empty(kind: 'insert' | 'replace'): InsertShape {
  return { verb: kind === 'insert' ? 'INSERT' : 'REPLACE', columns: null, source: 'unknown', rows: [], setColumns: [] };
}

function nameOf(col: unknown): string {
  if (typeof col === 'string') return col;
  if (isObject(col) && typeof col.value === 'string') return col.value;
  if (isObject(col) && typeof col.column === 'string') return col.column;
  return '?';
}

function isStar(col: unknown): boolean {
  const expr = isObject(col) ? col.expr : undefined;
  return isObject(expr) && expr.type === 'column_ref' && typeof expr.column === 'string' && expr.column === '*';
}

const VERBS = new Set(['INSERT', 'REPLACE']);
const MODIFIERS = new Set(['LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE', 'INTO']);

/** The same shape from the tokens, for statements the parser rejects (e.g. a row with too few values). */
function fromTokens(list: Token[], kind: 'insert' | 'replace'): InsertShape {
  const shape = empty(kind);
  let i = findTopWord(list, VERBS);
  if (i < 0) return shape;
  i++;
  while (MODIFIERS.has(word(list[i]))) i++;
  shape.table = unquote(list[i]?.text ?? '');
  i++;
  while (isPunct(list[i], '.')) {
    shape.table = unquote(list[i + 1]?.text ?? '');
    i += 2;
  }
  if (word(list[i]) === 'PARTITION') i = groupEnd(list, i + 1);
  if (isPunct(list[i], '(') && !['SELECT', 'WITH', 'VALUES'].includes(word(list[i + 1]))) {
    const end = groupEnd(list, i);
    shape.columns = items(list, i, end).map((item) => unquote(item[item.length - 1]?.text ?? '?'));
    i = end;
  }
  const next = word(list[i]);
  if (next === 'VALUES' || next === 'VALUE') {
    shape.source = 'values';
    i++;
    while (isPunct(list[i], '(') || word(list[i]) === 'ROW') {
      if (word(list[i]) === 'ROW') i++;
      const end = groupEnd(list, i);
      shape.rows.push(items(list, i, end).length);
      i = end;
      if (!isPunct(list[i], ',')) break;
      i++;
    }
  } else if (next === 'SET') {
    shape.source = 'set';
    let start = i + 1;
    for (let k = start; k <= list.length; k++) {
      const t = list[k];
      if (k < list.length && !(t.depth === 0 && (isPunct(t, ',') || word(t) === 'ON'))) continue;
      if (k > start) shape.setColumns.push(unquote(list[start].text));
      if (k < list.length && word(t) === 'ON') break;
      start = k + 1;
    }
  } else if (next === 'SELECT' || next === 'WITH' || isPunct(list[i], '(')) {
    shape.source = 'select';
  }
  return shape;
}

/** Index after the parenthesised group opening at `open` (or `open` itself when it is not a `(`). */
function groupEnd(list: Token[], open: number): number {
  if (!isPunct(list[open], '(')) return open;
  const depth = list[open].depth;
  for (let k = open + 1; k < list.length; k++) if (list[k].depth === depth && isPunct(list[k], ')')) return k + 1;
  return list.length;
}

/** The comma-separated items of the group `(…)` from `open` to `end` (exclusive). */
function items(list: Token[], open: number, end: number): Token[][] {
  const inner = list.slice(open + 1, end - 1);
  if (inner.length === 0) return [];
  const depth = list[open].depth + 1;
  const out: Token[][] = [[]];
  for (const t of inner) {
    if (t.depth === depth && isPunct(t, ',')) out.push([]);
    else out[out.length - 1].push(t);
  }
  return out;
}

function unquote(text: string): string {
  return text.replace(/^[`"](.*)[`"]$/, '$1');
}
