import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActiveRuns } from '../../../src/queue/active-runs.js';
import { isJobStop, JobStop } from '../../../src/queue/errors.js';

describe('what a worker runs', () => {
  it('a stop reaches every unit of that ticket attempt and no other', () => {
    const runs = new ActiveRuns();
    const a = runs.open(1, 1, 0);
    const b = runs.open(1, 1, 1);
    const other = runs.open(1, 2, 0);
    assert.equal(runs.stop(1, 1, new JobStop('cancel', 'stopped', 'U1')), 2);
    assert.ok(a.controller.signal.aborted && b.controller.signal.aborted && !other.controller.signal.aborted);
    const reason: unknown = a.controller.signal.reason;
    assert.ok(isJobStop(reason) && reason.kind === 'cancel' && reason.by === 'U1');
    assert.equal(runs.stop(1, 1, new JobStop('cancel', 'again')), 0, 'already stopped');
  });

  it('at shutdown, a run between steps or in an idempotent step stops now; one in another step finishes it first', () => {
    const runs = new ActiveRuns();
    const between = runs.open(1, 1, 0);
    const idempotent = runs.open(2, 1, 0);
    idempotent.current = { name: 'copy', idempotent: true };
    const once = runs.open(3, 1, 0);
    once.current = { name: 'alter', idempotent: false };
    runs.handBackAll();
    assert.ok(between.controller.signal.aborted && idempotent.controller.signal.aborted);
    assert.equal(once.controller.signal.aborted, false);
    assert.ok([between, idempotent, once].every((r) => r.handingBack));
    const reason: unknown = between.controller.signal.reason;
    assert.ok(isJobStop(reason) && reason.kind === 'shutdown');
  });

  it('says when nothing runs any more', async () => {
    const runs = new ActiveRuns();
    const a = runs.open(1, 1, 0);
    const empty = runs.whenEmpty();
    runs.close(a);
    await empty;
    assert.equal(runs.size, 0);
  });
});
