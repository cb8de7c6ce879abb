import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeData, escapeProperty, renderGithub } from '../../../src/review/render/github.js';
import type { Finding, ReviewReport } from '../../../src/review/types.js';

function report(findings: Finding[]): ReviewReport {
  return {
    statements: [{ index: 0, sql: 'DELETE FROM t', kind: 'delete', line: 3, column: 5, findings }],
    summary: { verdict: 'blocked', errors: 1, warnings: 1, notices: 1, score: 40, grade: 'D' },
  };
}

const base = { statement: 0, why: 'because', line: 3, column: 5 };

describe('renderGithub (GitHub Actions annotations)', () => {
  it('prints one workflow command per finding at its level, file, line and column', () => {
    const out = renderGithub(
      report([
        {
          ...base,
          rule: 'statement.where.require.update-delete',
          severity: 'error',
          message: 'No WHERE.',
          fix: 'Add one.',
        },
        { ...base, rule: 'column.comment', severity: 'warning', message: 'No comment.', fix: 'Comment it.' },
        { ...base, rule: 'table.engine', severity: 'notice', message: 'Engine.', fix: 'InnoDB.' },
      ]),
      'migrations/001.sql',
    );
    const lines = out.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      '::error file=migrations/001.sql,line=3,col=5,title=dbops statement.where.require.update-delete::No WHERE. Fix: Add one.',
      '::warning file=migrations/001.sql,line=3,col=5,title=dbops column.comment::No comment. Fix: Comment it.',
      '::notice file=migrations/001.sql,line=3,col=5,title=dbops table.engine::Engine. Fix: InnoDB.',
    ]);
    assert.match(lines[3] ?? '', /^dbops review: 1 statement, 1 error, 1 warning, 1 notice; score 40\/100, grade D$/);
  });

  it("escapes messages and properties by GitHub's rules, so text cannot end or forge a command", () => {
    const out = renderGithub(
      report([
        {
          ...base,
          rule: 'statement.x',
          severity: 'error',
          message: "100% of rows\nin 'a,b':\r\n::error::forged",
          fix: 'none',
        },
      ]),
      'dir,1/a:b%.sql',
    );
    const first = out.split('\n')[0] ?? '';
    assert.equal(
      first,
      "::error file=dir%2C1/a%3Ab%25.sql,line=3,col=5,title=dbops statement.x::100%25 of rows%0Ain 'a,b':%0D%0A::error::forged Fix: none",
    );
    assert.equal(out.split('\n').length, 3, 'a newline in a message never starts a line of its own');
  });

  it('escape helpers: data keeps : and , while properties encode them', () => {
    assert.equal(escapeData('a%b\r\nc:d,e'), 'a%25b%0D%0Ac:d,e');
    assert.equal(escapeProperty('a%b\r\nc:d,e'), 'a%25b%0D%0Ac%3Ad%2Ce');
  });
});
