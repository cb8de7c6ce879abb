import { isObject } from '../review/ast.js';
import { parseStatement } from '../review/parse.js';
import { expressionRefusals, type Refusal } from '../review/safety/expression.js';

/**
 * A `where` condition is pasted into the copy's SELECTs as `… WHERE <range> AND (<condition>)`.
 * Before approval it is checked from its parse tree only, never by a server: it must stay inside
 * its parentheses (`checkCondition`), read as one expression (`parseCondition`), and use only the
 * table's columns, literals, operators and harmless built-in functions (`conditionProblems`).
 */

/** What a condition may use, said once after the first refusal. */
export const CONDITION_HINT =
  'A condition may use the columns of the table, literals, comparisons (=, <, IN (…), ' +
  'BETWEEN, LIKE, IS NULL), AND/OR/NOT, CASE and common built-in functions (DATE(), ' +
  'NOW(), CONCAT(), …).';

/** Returns what is wrong with the text as a whole (statement separator, comment, unbalanced parentheses), or null. */
export function checkCondition(text: string): string | null {
  if (text.trim() === '') return 'the condition is empty';
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) {
        if (text[i + 1] === quote) i++;
        else quote = null;
      }
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === ';') return 'it contains `;`: give one condition, not statements';
    else if (c === '#' || (c === '-' && text[i + 1] === '-') || (c === '/' && text[i + 1] === '*'))
      return 'it contains a comment: remove it';
    else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return 'it has a `)` without its `(`';
  }
  if (quote) return `it has an unclosed ${quote}`;
  if (depth !== 0) return 'it has a `(` without its `)`';
  return null;
}

const PREFIX = 'SELECT 1 FROM t WHERE (';

export type ParsedCondition = { ok: true; expression: unknown } | { ok: false; problem: string };

/** The condition's expression tree, or where the parser stopped reading it. */
export function parseCondition(text: string): ParsedCondition {
  const parsed = parseStatement(`${PREFIX}${text})`);
  if (parsed.ast && isObject(parsed.ast) && parsed.ast.where) return { ok: true, expression: parsed.ast.where };
  const failure = parsed.error;
  const at = failure?.line === 1 && failure.column !== undefined ? failure.column - 1 - PREFIX.length : undefined;
  if (at === undefined || at < 0 || at > text.length)
    return { ok: false, problem: 'dbops cannot read it as a condition' };
  const near = text.slice(at, at + 30).trim();
  return {
    ok: false,
    problem: near === '' ? 'it ends too early' : `dbops cannot read it from \`${near}\` on`,
  };
}

/** Everything wrong with the parsed condition for one table; empty when it may be used on that table. */
export function conditionProblems(
  expression: unknown,
  table: { name: string; schema?: string; columns: readonly string[] },
): Refusal[] {
  return expressionRefusals(expression, {
    table: { ...table, columns: new Set(table.columns.map((c) => c.toLowerCase())) },
  });
}
