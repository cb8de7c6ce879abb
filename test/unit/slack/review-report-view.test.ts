import assert from 'node:assert/strict';
import { it } from 'node:test';
import { reviewFitsInMessage, reviewReportMessage } from '../../../src/slack/views/review-report.js';
import type { Finding, ReviewReport } from '../../../src/review/types.js';

function finding(i: number, over: Partial<Finding> = {}): Finding {
  return {
    rule: 'statement.where.require.update-delete',
    severity: 'error',
    statement: i,
    message: `DELETE without WHERE #${i}`,
    why: 'why it matters',
    fix: 'how to fix',
    line: i + 1,
    column: 1,
    fragment: `DELETE FROM t${i} <script>`,
    ...over,
  };
}

function report(findings: Finding[], shards?: ReviewReport['statements'][number]['shards']): ReviewReport {
  const statements = findings.map((f, i) => ({
    index: i,
    sql: `DELETE FROM t${i}`,
    kind: 'delete' as const,
    line: i + 1,
    column: 1,
    findings: [f],
    ...(shards ? { shards } : {}),
  }));
  return {
    statements,
    summary: { verdict: 'blocked', errors: findings.length, warnings: 0, notices: 0, score: 0, grade: 'F' },
  };
}

it('shows the grade, the counts, and each finding with rule, place, fragment, why and fix', () => {
  const message = reviewReportMessage({
    report: report([finding(0), finding(1, { rule: 'statement.disallow-truncate' })]),
    requestedBy: 'U1',
  });
  const text = JSON.stringify(message.blocks);
  assert.match(message.text, /Blocked · grade F \(0\/100\) · 2 errors, 0 warnings, 0 notices/);
  assert.match(text, /statement 2, line 2/);
  assert.match(text, /DELETE FROM t1 &lt;script&gt;/, 'user SQL is escaped');
  assert.match(text, /_Why:_ why it matters/);
  assert.match(text, /<@U1>/);
});

it('stays within 50 blocks and says the rest is in the thread', () => {
  const many = report(Array.from({ length: 80 }, (_, i) => finding(i, { rule: `rule.${i}` })));
  const message = reviewReportMessage({ report: many });
  assert.ok(message.blocks.length <= 50);
  assert.equal(reviewFitsInMessage(many), false);
  assert.match(JSON.stringify(message.blocks.at(-1)), /and \d+ more findings; the full report is in the thread/);
});

it('says a sharded statement stands for its whole set', () => {
  const message = reviewReportMessage({
    report: report([finding(0)], { pattern: 'orders_{0..511}', count: 512, tables: [] }),
  });
  assert.match(JSON.stringify(message.blocks), /for all 512 shards of `orders_\{0..511\}`/);
});

it('says a finding that repeats on many statements once, with where: ×N and the statements', () => {
  const message = reviewReportMessage({ report: report(Array.from({ length: 40 }, (_, i) => finding(i))) });
  const text = JSON.stringify(message.blocks);
  assert.match(text, /×40: statements 1, 2, 3, 4, 5, 6, 7, 8 …/);
  assert.equal(text.match(/_Why:_/g)?.length, 1, 'one why and one fix for the group');
  assert.equal(reviewFitsInMessage(report(Array.from({ length: 80 }, (_, i) => finding(i)))), true);
});

it('quotes the reviewed SQL, and fragments keep their backticks', () => {
  const message = reviewReportMessage({ report: report([finding(0, { fragment: '`a` INT' })]) });
  const text = JSON.stringify(message.blocks);
  assert.match(text, /```DELETE FROM t0;```/);
  assert.match(text, /```(\\`|`)a(\\`|`) INT```/);
});
