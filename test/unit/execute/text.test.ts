import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encoderFor, literal } from '../../../src/execute/literals.js';
import { ranges, runSummary, statementLine } from '../../../src/execute/messages.js';
import { readOscLine } from '../../../src/execute/osc-output.js';
import type { RunReport, StatementResult } from '../../../src/execute/run.js';

describe('SQL literals from the raw text protocol', () => {
  it('writes numbers as sent, binary as hex, text quoted or hex when quoting depends on sql_mode', () => {
    assert.equal(encoderFor('number')(Buffer.from('-1.50')), '-1.50');
    assert.equal(encoderFor('binary')(Buffer.from([0, 255])), "X'00ff'");
    assert.equal(encoderFor('text')(Buffer.from("it's")), "'it''s'");
    assert.equal(encoderFor('text')(Buffer.from('a\\b')), "_utf8mb4 X'615c62'");
    assert.equal(encoderFor('text')(Buffer.from('zé')), "'zé'");
    for (const kind of ['number', 'binary', 'text'] as const) assert.equal(encoderFor(kind)(null), 'NULL');
    assert.equal(literal(null), 'NULL');
    assert.equal(literal(12), '12');
  });
});

const result = (r: Partial<StatementResult>): StatementResult => ({
  number: 1,
  summary: 'UPDATE t SET a = 1',
  kind: 'update',
  status: 'done',
  affectedRows: null,
  savedRows: null,
  backupTable: null,
  warningCount: 0,
  warnings: [],
  durationMs: null,
  note: null,
  error: null,
  ...r,
});

describe('what the thread says', () => {
  it('one line per statement', () => {
    assert.equal(
      statementLine(
        result({
          affectedRows: 1204,
          durationMs: 800,
          note: 'before-images of 1,204 rows in dbops_backup.t42_2_t',
          number: 2,
        }),
        5,
      ),
      'statement 2/5 done: 1,204 rows changed in 0.80 s; before-images of 1,204 rows in dbops_backup.t42_2_t — `UPDATE t SET a = 1`',
    );
    assert.equal(
      statementLine(result({ status: 'failed', number: 3, durationMs: 10, error: "Unknown column 'x'" }), 5),
      "statement 3/5 failed after 0.01 s: Unknown column 'x' — `UPDATE t SET a = 1`",
    );
    assert.equal(
      statementLine(result({ status: 'not-run', number: 4 }), 5),
      'statement 4/5 not run — `UPDATE t SET a = 1`',
    );
  });
  it('the summary says exactly what ran and what did not', () => {
    const report: RunReport = {
      outcome: 'failed',
      failure: "statement 3 failed: Unknown column 'x'",
      results: [
        result({ number: 1, affectedRows: 2, savedRows: 2, backupTable: 't9_1_t' }),
        result({ number: 2, affectedRows: 3, savedRows: 3, backupTable: 't9_2_t' }),
        result({ number: 3, status: 'failed' }),
        result({ number: 4, status: 'not-run' }),
        result({ number: 5, status: 'not-run' }),
      ],
    };
    assert.equal(
      runSummary(report, 'T-9'),
      "statement 3 failed: Unknown column 'x'. statements 1–2 done (5 rows changed; 5 rows saved in dbops_backup, undo with `/dbops rollback T-9`); 4–5 not run.",
    );
    assert.equal(
      runSummary({ outcome: 'succeeded', failure: null, results: [result({ affectedRows: 1 })] }, 'T-9'),
      '1/1 statements done: 1 row changed.',
    );
  });
  it('ranges', () => {
    assert.equal(ranges([1, 2, 3, 5, 7, 8]), '1–3, 5, 7–8');
  });
});

describe("pt-online-schema-change's output", () => {
  it('reads progress, pauses and the end of the copy', () => {
    assert.deepEqual(readOscLine('Copying `shop`.`orders`:  37% 00:12 remain'), {
      kind: 'progress',
      percent: 37,
      remaining: '00:12',
    });
    assert.deepEqual(readOscLine('Sleeping 60 seconds because /tmp/x/pause exists'), { kind: 'paused' });
    assert.deepEqual(readOscLine('2026-11-21T14:11:14 Copying approximately 50140 rows...'), {
      kind: 'copy-started',
      rows: 50140,
    });
    assert.deepEqual(readOscLine('2026-11-21T14:12:16 Copied rows OK.'), { kind: 'copied' });
    assert.equal(readOscLine('Successfully altered `shop`.`orders`.').kind, 'done');
    assert.equal(readOscLine('Error altering new table `shop`.`_orders_new`: DBD::mysql::db do failed').kind, 'error');
  });
});
