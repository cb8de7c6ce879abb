import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatElapsed } from '../../../src/kernel/format.js';
import type { PartRecord, PartState, RunRecord, StepRecord } from '../../../src/queue/run-rows.js';
import { finalReply, partsLine, progressBar, statusMessage } from '../../../src/slack/views/ticket-progress.js';
import { makeTicket } from '../tickets/make-ticket.js';

const START = new Date('2026-11-24T02:00:00Z');
const ticket = makeTicket({ state: 'running' });
const run = (overrides: Partial<RunRecord> = {}): RunRecord => ({
  ticketId: 42,
  attempt: 1,
  jobId: 'ticket-k3x9m2q7za-42-attempt-1',
  kind: 'execute-sql',
  runToken: 't',
  worker: 'db-worker-1:77',
  phase: 'waiting',
  takeovers: 0,
  partsTotal: 1,
  partNoun: 'parts',
  progress: null,
  progressText: null,
  logTail: [],
  status: null,
  startedAt: START,
  heartbeatAt: START,
  finishedAt: null,
  outcome: null,
  summary: null,
  details: null,
  finalPostedAt: null,
  ...overrides,
});
const counts = (c: Partial<Record<PartState, number>>): Record<PartState, number> => ({
  pending: 0,
  running: 0,
  done: 0,
  failed: 0,
  stopped: 0,
  skipped: 0,
  ...c,
});
const step = (name: string, state: StepRecord['state'], error: string | null = null): StepRecord => ({
  ticketId: 42,
  attempt: 1,
  part: 0,
  name,
  fingerprint: null,
  seq: 1,
  idempotent: false,
  state,
  tries: 1,
  runToken: 't',
  result: null,
  error,
  startedAt: START,
  finishedAt: null,
});
const part = (index: number, state: PartState, error: string | null = null): PartRecord => ({
  ticketId: 42,
  attempt: 1,
  index,
  key: `orders_${index}`,
  label: `shard orders_${index}`,
  data: undefined,
  state,
  runToken: null,
  worker: null,
  takeovers: 0,
  startedAt: null,
  finishedAt: null,
  result: null,
  error,
});
const text = (m: { blocks: unknown[] }) => JSON.stringify(m.blocks);

describe('the status message', () => {
  it('while running: the count of parts done, the latest progress, the log tail, and a Cancel button', () => {
    const m = statusMessage({
      ticket,
      run: run({
        partsTotal: 512,
        partNoun: 'shards',
        progressText: 'shard orders_37: copying',
        logTail: ['copied 1,204 rows'],
      }),
      counts: counts({ done: 37, running: 2, failed: 1 }),
      stopping: null,
      now: new Date(START.getTime() + 72_000),
      timezone: 'Asia/Shanghai',
    });
    assert.equal(m.text, 'T-42 running: 37/512 shards done (2 running, 1 failed)');
    assert.match(text(m), /37\/512 shards done/);
    assert.match(text(m), /shard orders_37: copying/);
    assert.match(text(m), /copied 1,204 rows/);
    assert.match(text(m), /running for 1m 12s/);
    assert.match(text(m), /dbops.ticket.cancel/);
  });

  it('while stopping: who asked, and no second Cancel button', () => {
    const m = statusMessage({
      ticket,
      run: run(),
      counts: null,
      stopping: { kind: 'cancel', by: 'U0DBA00001', reason: 'wrong table', at: START.toISOString() },
      now: START,
      timezone: 'UTC',
    });
    assert.match(text(m), /<@U0DBA00001> asked to stop it: “wrong table”/);
    assert.ok(!text(m).includes('dbops.ticket.cancel'));
  });

  it('when finished: the outcome, how long it took and the summary, without buttons', () => {
    const m = statusMessage({
      ticket,
      run: run({
        outcome: 'succeeded',
        finishedAt: new Date(START.getTime() + 182_000),
        summary: '5 statements done.',
        takeovers: 1,
      }),
      counts: null,
      stopping: null,
      now: START,
      timezone: 'UTC',
    });
    assert.equal(m.text, 'T-42 succeeded');
    assert.match(text(m), /Finished\* T-42 in 3m 02s/);
    assert.match(text(m), /▓{20} 100%/);
    assert.match(text(m), /taken over once/);
    assert.ok(!text(m).includes('"actions"'));
  });

  it('bars, counts and durations', () => {
    assert.equal(progressBar(0.41), '▓▓▓▓▓▓▓▓░░░░░░░░░░░░ 41%');
    assert.equal(partsLine(counts({ done: 512 }), 512, 'shards'), '512/512 shards done');
    assert.deepEqual([800, 12_000, 182_000, 3_840_000].map(formatElapsed), ['0.8s', '12s', '3m 02s', '1h 04m']);
  });
});

describe('the final reply says what was done and what was not', () => {
  it('a stopped run of steps', () => {
    const m = finalReply({
      ticket,
      run: run({ outcome: 'cancelled', finishedAt: new Date(START.getTime() + 20_000) }),
      steps: [step('statement 1', 'done'), step('statement 2', 'failed', 'stopped on request')],
      parts: null,
      stop: { kind: 'cancel', by: 'U0DEV00001', at: START.toISOString() },
    });
    assert.match(m.text, /^:no_entry_sign: T-42 was stopped by <@U0DEV00001> after 20s\./);
    assert.match(m.text, /\*Done:\* statement 1\./);
    assert.match(m.text, /\*Not finished:\* statement 2 \(stopped on request\)\./);
    assert.match(m.text, /\*Not run:\* everything after that\./);
  });

  it('a failed decomposed run', () => {
    const m = finalReply({
      ticket,
      run: run({
        outcome: 'failed',
        partsTotal: 5,
        partNoun: 'shards',
        summary: 'shard orders_1: Duplicate entry',
        finishedAt: START,
      }),
      steps: [],
      parts: [
        part(0, 'done'),
        part(1, 'failed', 'Duplicate entry'),
        part(2, 'stopped'),
        part(3, 'skipped'),
        part(4, 'running'),
      ],
      stop: null,
    });
    assert.match(m.text, /^:x: T-42 failed after 0s: shard orders_1: Duplicate entry/);
    assert.match(m.text, /\*Done:\* 1\/5 shards\./);
    assert.match(m.text, /\*Failed:\* shard orders_1 \(Duplicate entry\)/);
    assert.match(m.text, /\*Stopped mid-way:\* shard orders_2/);
    assert.match(m.text, /\*Did not finish:\* 1 shard \(/);
    assert.match(m.text, /\*Not started:\* 1 shard\./);
  });

  it('a success is one short line: the status message above holds the result', () => {
    assert.equal(
      finalReply({
        ticket,
        run: run({ outcome: 'succeeded', finishedAt: new Date(START.getTime() + 800), summary: '2 statements done.' }),
        steps: [],
        parts: null,
        stop: null,
      }).text,
      ':white_check_mark: T-42 finished in 0.8s; the message above has the result.',
    );
  });
});
