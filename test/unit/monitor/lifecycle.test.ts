import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reconcile, type LifecycleSettings, type OpenAlert } from '../../../src/monitor/lifecycle.js';
import type { Condition } from '../../../src/monitor/types.js';

const now = new Date('2026-01-01T12:00:00Z');
const settings: LifecycleSettings = {
  fireAfterPolls: 2,
  resolveAfterPolls: 2,
  isEvent: (id) => id === 'deadlocks',
  quietMs: () => 10 * 60_000,
};
const cond = (checkId: string, extra: Partial<Condition> = {}): Condition => ({
  checkId,
  subject: '',
  severity: 'critical',
  summary: checkId,
  value: '1',
  threshold: 't',
  ...extra,
});
const open = (checkId: string, extra: Partial<OpenAlert> = {}): OpenAlert => ({
  id: 7,
  checkId,
  subject: '',
  kind: checkId === 'deadlocks' ? 'event' : 'poll',
  state: 'pending',
  severity: 'critical',
  valueText: '1',
  hits: 1,
  misses: 0,
  occurrences: 1,
  lastSeenAt: now,
  ...extra,
});
const all = new Set(['down', 'replication', 'deadlocks', 'threads-running']);

describe('alert lifecycle', () => {
  it('a new condition is pending, and fires when it held fire_after_polls polls in a row', () => {
    assert.deepEqual(
      reconcile([], [cond('replication')], all, now, settings).map((c) => [c.type, 'state' in c ? c.state : '']),
      [['create', 'pending']],
    );
    const [second] = reconcile([open('replication')], [cond('replication')], all, now, settings);
    assert.equal(second.type, 'update');
    assert.ok(second.type === 'update' && second.fires && second.hits === 2);
  });

  it('fires on the first poll when fire_after_polls is 1', () => {
    const [change] = reconcile([], [cond('replication')], all, now, { ...settings, fireAfterPolls: 1 });
    assert.ok(change.type === 'create' && change.state === 'firing');
  });

  it('a pending condition that clears is dropped without a word; a firing one resolves after resolve_after_polls clear polls', () => {
    assert.deepEqual(reconcile([open('replication')], [], all, now, settings), [{ type: 'drop', id: 7 }]);
    const firing = open('replication', { state: 'firing', hits: 5 });
    assert.deepEqual(reconcile([firing], [], all, now, settings), [{ type: 'miss', id: 7, misses: 1 }]);
    assert.deepEqual(reconcile([{ ...firing, misses: 1 }], [], all, now, settings), [{ type: 'resolve', id: 7 }]);
  });

  it('a firing alert seen again resets its clear polls and reports what changed', () => {
    const firing = open('threads-running', { state: 'firing', severity: 'warning', valueText: '60', misses: 1 });
    const [change] = reconcile(
      [firing],
      [cond('threads-running', { severity: 'critical', value: '120' })],
      all,
      now,
      settings,
    );
    assert.ok(change.type === 'update' && !change.fires && change.severityChanged && change.valueChanged);
    const [same] = reconcile(
      [firing],
      [cond('threads-running', { severity: 'warning', value: '60' })],
      all,
      now,
      settings,
    );
    assert.ok(same.type === 'update' && !same.severityChanged && !same.valueChanged);
  });

  it('checks the poll did not evaluate keep their alerts as they are (an instance down holds its other alerts)', () => {
    const replication = open('replication', { state: 'firing' });
    const changes = reconcile([replication], [cond('down')], new Set(['down']), now, settings);
    assert.deepEqual(
      changes.map((c) => c.type),
      ['create'],
    );
  });

  it('an event fires at once, adds later events to its count, and resolves only after the quiet period', () => {
    const [created] = reconcile([], [cond('deadlocks', { count: 2 })], all, now, settings);
    assert.ok(created.type === 'create' && created.state === 'firing' && created.kind === 'event');
    const event = open('deadlocks', { state: 'firing', occurrences: 2 });
    const [more] = reconcile([event], [cond('deadlocks', { count: 3 })], all, now, settings);
    assert.ok(more.type === 'update' && more.occurrences === 5);
    assert.deepEqual(reconcile([event], [], all, new Date(now.getTime() + 60_000), settings), []);
    assert.deepEqual(reconcile([event], [], all, new Date(now.getTime() + 10 * 60_000), settings), [
      { type: 'resolve', id: 7 },
    ]);
  });

  it('manual alerts (a failed job) are never resolved by polls', () => {
    assert.deepEqual(
      reconcile(
        [open('ticket-failed', { kind: 'manual', state: 'firing' })],
        [],
        new Set(['ticket-failed']),
        now,
        settings,
      ),
      [],
    );
  });
});
