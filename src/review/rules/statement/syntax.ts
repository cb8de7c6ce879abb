import { defineRule } from '../../define-rule.js';
import type { StatementKind } from '../../types.js';

/**
 * Kinds the parser does not fully read (stored-program bodies, account statements). A parse
 * failure there says nothing about the SQL; the shadow check on a scratch server covers them.
 */
const PARSER_GAPS: ReadonlySet<StatementKind> = new Set([
  'create-trigger', 'create-procedure', 'create-function', 'create-event',
  'grant', 'revoke', 'create-user', 'load-data', 'call', 'set', 'show',
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
    if (!failure || PARSER_GAPS.has(stmt.kind)) return [];
    const relLine = failure.line ?? 1;
    const line = stmt.line + relLine - 1;
    const column = relLine === 1 ? stmt.column + (failure.column ?? 1) - 1 : failure.column ?? 1;
    const found = failure.found ? `'${failure.found}'` : 'the end of the statement';
    const expected = failure.expected && failure.expected.length > 0 ? `; expected ${failure.expected.map((e) => `'${e}'`).join(', ')}` : '';
    return [{ message: `The SQL cannot be read at line ${line}, column ${column}: found ${found}${expected}.`, fragment: excerptAt(stmt.text, relLine, failure.column ?? 1), line, column }];
  },
});

function excerptAt(text: string, line: number, column: number): string {
  const source = text.split(/\r?\n/)[line - 1] ?? text;
  const start = Math.max(0, column - 21);
  return source.slice(start, column + 20).trim();
}
