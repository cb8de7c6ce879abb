import { defineRule } from '../../define-rule.js';
import { andInSet } from '../../ast-dml.js';
import { parseStatement } from '../../parse.js';
import { stripComments } from '../../strip.js';
import type { ParseFailure, ReviewStatement, StatementKind } from '../../types.js';

/**
 * Kinds the parser does not fully read (stored-program bodies, account statements). A parse
 * failure there says nothing about the SQL; the shadow check on a scratch server covers them.
 */
const PARSER_GAPS: ReadonlySet<StatementKind> = new Set([
  'create-trigger',
  'create-procedure',
  'create-function',
  'create-event',
  'grant',
  'revoke',
  'create-user',
  'load-data',
  'call',
  'set',
  'show',
]);

export const statementSyntax = defineRule({
  id: 'statement.syntax',
  severity: 'error',
  needs: 'text',
  summary: 'the statement must parse as MySQL/MariaDB SQL',
  why: 'A statement the server cannot read fails when it runs, possibly after earlier statements of the change were already applied.',
  fix: 'Correct the SQL at the position shown; run it against a test database first if unsure.',
  check({ stmt }) {
    const failure = stmt.parseError;
    if (!failure || failure.readable || PARSER_GAPS.has(stmt.kind) || validButUnparsed(stmt, failure)) return [];
    if (failure.line === undefined) {
      return [
        {
          message: `The SQL is invalid: ${failure.message.replace(/^Error:\s*/, '')}.`,
          fragment: stmt.stripped.slice(0, 80),
        },
      ];
    }
    const relLine = failure.line;
    const line = stmt.line + relLine - 1;
    const column = relLine === 1 ? stmt.column + (failure.column ?? 1) - 1 : (failure.column ?? 1);
    const found = failure.found ? `'${failure.found}'` : 'the end of the statement';
    const expected =
      failure.expected && failure.expected.length > 0
        ? `; expected ${failure.expected.map((e) => `'${e}'`).join(', ')}`
        : '';
    return [
      {
        message: `The SQL cannot be read at line ${line}, column ${column}: found ${found}${expected}.`,
        fragment: excerptAt(stmt.text, relLine, failure.column ?? 1),
        line,
        column,
      },
    ];
  },
});

/** `ORDER BY cols` / `LIMIT n` / `RETURNING …` ending an UPDATE or DELETE, which MySQL accepts. */
const DML_TAIL = /^(?:ORDER BY (?:ITEM)(?: ?, ?(?:ITEM))* ?)?(?:LIMIT (?:\d+|\?|@[\w$]+) ?)?(?:RETURNING .+)?$/i;
const ORDER_ITEM = '(?:`[^`]+`|[\\w$]+)(?:\\.(?:`[^`]+`|[\\w$]+))*(?: (?:ASC|DESC))?';
const DML_TAIL_RE = new RegExp(DML_TAIL.source.replaceAll('ITEM', ORDER_ITEM), 'i');

/**
 * Statements MySQL/MariaDB run but node-sql-parser's MariaDB grammar rejects: UPDATE/DELETE with
 * ORDER BY or LIMIT, and `UPDATE … SET a = 1 AND b = 2` (reported by statement.update.and-in-set).
 * A column-count mismatch is reported by statement.insert.value-count-mismatch.
 */
function validButUnparsed(stmt: ReviewStatement, failure: ParseFailure): boolean {
  if (/column count doesn't match value count/i.test(failure.message))
    return stmt.kind === 'insert' || stmt.kind === 'replace';
  if ((stmt.kind !== 'update' && stmt.kind !== 'delete') || failure.line === undefined) return false;
  const at = offsetOf(stmt.text, failure.line, failure.column ?? 1);
  const rest = stmt.text.slice(at);
  if (/^(?:AND|OR)\b/i.test(rest) || rest.startsWith('&&')) return andInSet(stmt).length > 0;
  // The parser stops at ORDER/LIMIT, or just after ORDER when it took the word for a table alias.
  let clause = -1;
  for (const m of stmt.text.matchAll(/\b(?:ORDER\s+BY|LIMIT)\b/gi)) {
    if (m.index > at) break;
    clause = m.index;
  }
  if (clause === -1 || at - clause > 'ORDER '.length) return false;
  const tail = stripComments(stmt.text.slice(clause)).replace(/;$/, '').trim();
  // Only on this rare path: the statement without its ORDER BY / LIMIT must parse on its own.
  return DML_TAIL_RE.test(tail) && parseStatement(stmt.text.slice(0, clause)).error === null;
}

/** Offset in `text` of a 1-based line and column. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) break;
    offset = next + 1;
  }
  return offset + column - 1;
}

function excerptAt(text: string, line: number, column: number): string {
  const source = text.split(/\r?\n/)[line - 1] ?? text;
  const start = Math.max(0, column - 21);
  return source.slice(start, column + 20).trim();
}
