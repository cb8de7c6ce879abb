import assert from 'node:assert/strict';
import { realKinds } from '../../support/kinds.js';
import { describe, it } from 'node:test';
import { parseTicketId, reviewFromReport, ticketFromRow, ticketRef } from '../../../src/tickets/ticket.js';
import { sqlDateTime } from '../../../src/kernel/format.js';

describe('ticket ids', () => {
  const cases: Array<[string, number | null]> = [
    ['T-42', 42],
    ['t-42', 42],
    ['42', 42],
    [' T42 ', 42],
    ['#42', 42],
    ['T-0', null],
    ['T-', null],
    ['T-4x', null],
    ['X-42', null],
    ['', null],
    ['-42', null],
    ['T-99999999999999999', null],
  ];
  for (const [text, id] of cases) it(`${JSON.stringify(text)} → ${id}`, () => assert.equal(parseTicketId(text), id));
  it('writes T-<n>', () => assert.equal(ticketRef(42), 'T-42'));
});

describe('ticket rows', () => {
  const row = {
    id: '7',
    kind: 'sql-change',
    payload: '{"sql":"DELETE FROM t WHERE id = 1"}',
    requester: 'U0DEV1',
    cluster: 'prod',
    schema_name: 'shop',
    environment: 'prod',
    review: '{"summary":{"errors":1,"warnings":0,"notices":0,"score":80,"grade":"B"},"findings":[]}',
    estimated_rows: '12',
    run_at: '2026-11-24 18:00:00.000',
    state: 'awaiting_exception',
    version: 3,
    attempt: 1,
    approvals_needed: 1,
    exception: 1,
    exception_reason: 'hotfix',
    request_channel: 'C0DEV',
    request_ts: '1.2',
    approval_channel: null,
    approval_ts: null,
    thread_channel: null,
    thread_ts: null,
    source_key: null,
    created_at: '2026-11-24 01:00:00.123',
    updated_at: '2026-11-24 01:05:00.000',
  };
  it('reads the row as mysql2 returns it (strings for BIGINT, DATETIME and JSON text), times as UTC', () => {
    const ticket = ticketFromRow(row, [], realKinds);
    assert.equal(ticket.id, 7);
    assert.equal(ticket.ref, 'T-7');
    assert.equal(ticket.kind, 'sql-change');
    assert.deepEqual(ticket.payload, { sql: 'DELETE FROM t WHERE id = 1' });
    assert.equal(ticket.estimatedRows, 12);
    assert.equal(ticket.runAt?.toISOString(), '2026-11-24T18:00:00.000Z');
    assert.equal(ticket.createdAt.toISOString(), '2026-11-24T01:00:00.123Z');
    assert.equal(ticket.exception, true);
    assert.equal(ticket.review?.summary.errors, 1);
    assert.equal(sqlDateTime(ticket.createdAt), '2026-11-24 01:00:00.123');
  });
  it('refuses a payload that does not fit its kind', () => {
    assert.throws(() => ticketFromRow({ ...row, payload: '{"source":"prod.shop"}' }, [], realKinds));
    assert.throws(() => ticketFromRow({ ...row, state: 'pending' }, [], realKinds));
  });
  it('keeps the review summary and findings, not the SQL again', () => {
    const finding = {
      rule: 'table.require-pk',
      severity: 'error' as const,
      statement: 0,
      message: 'no primary key',
      why: 'long text',
      fix: 'add one',
      line: 1,
      column: 1,
    };
    const review = reviewFromReport({
      statements: [
        { index: 0, sql: 'CREATE TABLE t (a int)', kind: 'create-table', line: 1, column: 1, findings: [finding] },
      ],
      summary: { verdict: 'blocked', errors: 1, warnings: 0, notices: 0, score: 39, grade: 'F' },
    });
    assert.deepEqual(review.findings, [
      {
        rule: 'table.require-pk',
        severity: 'error',
        statement: 0,
        message: 'no primary key',
        line: 1,
        column: 1,
        fix: 'add one',
      },
    ]);
    assert.equal(review.summary.errors, 1);
  });
});
