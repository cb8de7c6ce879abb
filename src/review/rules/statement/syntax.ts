import { defineRule } from '../../define-rule.js';
import { andInSet, escapeRegex, positionAt } from '../../ast-dml.js';
import { parseStatement } from '../../parse.js';
import { firstWords, stripComments } from '../../strip.js';
import type { FindingDraft, ParseFailure, ReviewStatement, StatementKind } from '../../types.js';
import { closest, editDistance } from '../../../text/closest.js';

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
  why:
    'A statement the server cannot read fails when it runs, possibly after earlier ' +
    'statements of the change were already applied.',
  fix: 'Correct the SQL at the position shown; run it against a test database first if unsure.',
  check({ stmt }) {
    const failure = stmt.parseError;
    if (!failure || failure.readable || PARSER_GAPS.has(stmt.kind) || validButUnparsed(stmt, failure)) return [];
    const unknown = unknownStatement(stmt);
    if (unknown) return [unknown];
    if (failure.line === undefined) {
      return [
        {
          message: `The SQL is invalid: ${failure.message.replace(/^Error:\s*/, '')}.`,
          fragment: stmt.stripped,
        },
      ];
    }
    const relLine = failure.line;
    const line = stmt.line + relLine - 1;
    const column = relLine === 1 ? stmt.column + (failure.column ?? 1) - 1 : (failure.column ?? 1);
    const at = offsetOf(stmt.text, relLine, failure.column ?? 1);
    const word = wordAt(stmt.text, at);
    const found = word ? `\`${word}\`` : 'the end of the statement';
    const typo = misspelt(stmt.text, at, failure.expected ?? []);
    const hint = !typo
      ? ''
      : typo.word === word
        ? ` — did you mean ${typo.keyword}?`
        : ` — \`${typo.word}\`: did you mean ${typo.keyword}?`;
    const expected = typo ? '' : failure.expected && failure.expected.length > 0 ? expectedText(failure.expected) : '.';
    return [
      {
        message: `Cannot read ${found} at line ${line}, column ${column}${hint}${expected}`,
        fragment: excerptAt(stmt.text, relLine, failure.column ?? 1),
        line,
        column,
      },
    ];
  },
});

/** Words a statement can start with: a first word outside this list is an unknown statement. */
const STATEMENT_WORDS = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'REPLACE',
  'CREATE',
  'ALTER',
  'DROP',
  'RENAME',
  'TRUNCATE',
  'GRANT',
  'REVOKE',
  'SET',
  'USE',
  'SHOW',
  'EXPLAIN',
  'DESCRIBE',
  'DESC',
  'WITH',
  'CALL',
  'LOAD',
  'BEGIN',
  'START',
  'COMMIT',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
  'LOCK',
  'UNLOCK',
  'ANALYZE',
  'OPTIMIZE',
  'CHECK',
  'REPAIR',
  'FLUSH',
  'KILL',
  'HANDLER',
  'DO',
  'PREPARE',
  'EXECUTE',
  'DEALLOCATE',
  'VALUES',
  'TABLE',
  'DELIMITER',
  'XA',
  'INSTALL',
  'UNINSTALL',
  'RESET',
  'PURGE',
  'CHANGE',
  'HELP',
];
const STATEMENT_SET: ReadonlySet<string> = new Set(STATEMENT_WORDS);

/** Keywords a misspelt word is compared with: what the parser expected there, and the usual clause words. */
const CLAUSE_WORDS = [
  'FROM',
  'WHERE',
  'GROUP',
  'ORDER',
  'BY',
  'HAVING',
  'LIMIT',
  'JOIN',
  'LEFT',
  'RIGHT',
  'INNER',
  'OUTER',
  'ON',
  'USING',
  'AND',
  'OR',
  'NOT',
  'NULL',
  'IN',
  'IS',
  'LIKE',
  'BETWEEN',
  'SET',
  'VALUES',
  'INTO',
  'TABLE',
  'INDEX',
  'KEY',
  'PRIMARY',
  'UNIQUE',
  'COLUMN',
  'ADD',
  'MODIFY',
  'CHANGE',
  'DEFAULT',
  'AFTER',
  'FIRST',
  'AS',
  'DISTINCT',
  'UNION',
  'ALL',
  'EXISTS',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'ENGINE',
  'CHARSET',
  'COLLATE',
  'COMMENT',
  'AUTO_INCREMENT',
  'UNSIGNED',
  'REFERENCES',
  'CONSTRAINT',
  'IF',
];

const KNOWN_WORDS: ReadonlySet<string> = new Set([...STATEMENT_WORDS, ...CLAUSE_WORDS]);

/**
 * A misspelt keyword where the parser stopped, or just before (`SELECT a FORM t` stops at `t`,
 * having read FORM as an alias): a bare word that is no keyword but is one letter or two from one.
 */
function misspelt(text: string, at: number, expected: readonly string[]): { word: string; keyword: string } | null {
  const keywords = [...new Set([...expected.filter((e) => /^[A-Z_]+$/.test(e)), ...CLAUSE_WORDS])];
  const before = /([A-Za-z_]+)\s*$/.exec(text.slice(0, at))?.[1];
  for (const word of [wordAt(text, at), before]) {
    if (!word || !/^[A-Za-z_]{3,}$/.test(word) || KNOWN_WORDS.has(word.toUpperCase())) continue;
    const keyword = closest(word, keywords);
    if (keyword && editDistance(word.toUpperCase(), keyword) <= 2) return { word, keyword };
  }
  return null;
}

/** `UPDTAE t SET …`: the first word is no statement MySQL knows. Named, with the closest one. */
function unknownStatement(stmt: ReviewStatement): FindingDraft | null {
  if (stmt.kind !== 'other') return null;
  const first = firstWords(stmt.stripped, 1)[0];
  if (!first || STATEMENT_SET.has(first)) return null;
  const guess = closest(first, STATEMENT_WORDS);
  const offset = stmt.text.search(new RegExp(`(?<![\\w$])${escapeRegex(first)}(?![\\w$])`, 'i'));
  const where = offset >= 0 ? positionAt(stmt, offset) : {};
  const shown = offset >= 0 ? stmt.text.slice(offset, offset + first.length) : first;
  return {
    message: `Unknown statement \`${shown}\`${guess ? ` — did you mean ${guess}?` : '.'} The server would refuse it.`,
    fragment: stmt.stripped,
    ...where,
  };
}

/** The word (or symbol run) starting at `offset`, as written; '' at the end of the text. */
function wordAt(text: string, offset: number): string {
  const rest = text.slice(offset);
  const match = /^(?:`[^`]*`?|'[^']*'?|"[^"]*"?|[\w$]+|[^\s\w$]+)/.exec(rest);
  return match ? match[0].slice(0, 40) : '';
}

function expectedText(expected: readonly string[]): string {
  const shown = expected.slice(0, 5).map((e) => (/^[A-Z_]+$/.test(e) ? e : `\`${e}\``));
  return `; expected ${shown.join(', ')}${expected.length > 5 ? ', …' : ''}.`;
}

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

/** Up to ~20 characters either side of the position on its line, cut between words. */
function excerptAt(text: string, line: number, column: number): string {
  const source = text.split(/\r?\n/)[line - 1] ?? text;
  let start = Math.max(0, column - 21);
  let end = Math.min(source.length, column + 20);
  while (start > 0 && /[\w$]/.test(source[start - 1]) && /[\w$]/.test(source[start])) start++;
  while (end < source.length && /[\w$]/.test(source[end - 1]) && /[\w$]/.test(source[end])) end--;
  const cut = source.slice(start, end).trim();
  return `${start > 0 ? '… ' : ''}${cut}${end < source.length ? ' …' : ''}`;
}
