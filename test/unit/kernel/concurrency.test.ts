import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runAtMost } from '../../../src/kernel/concurrency.js';

/** A task that records when it starts and ends, and finishes when `release` is called for it. */
function gate(log: string[], name: string, fail = false) {
  let release: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (release = resolve));
  const task = async () => {
    log.push(`start ${name}`);
    await done;
    log.push(`end ${name}`);
    if (fail) throw new Error(`${name} failed`);
  };
  return { task, release: () => release() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('runAtMost', () => {
  it('runs tasks in their order, never more than the limit at once', async () => {
    const log: string[] = [];
    const gates = ['a', 'b', 'c'].map((n) => gate(log, n));
    const all = runAtMost(
      2,
      gates.map((g) => g.task),
    );
    await tick();
    assert.deepEqual(log, ['start a', 'start b']);
    gates[1].release();
    await tick();
    assert.deepEqual(log, ['start a', 'start b', 'end b', 'start c']);
    gates[0].release();
    gates[2].release();
    await all;
    assert.deepEqual(log.slice(4).sort(), ['end a', 'end c']);
  });

  it('starts nothing more after a failure, and rejects once the running tasks have ended', async () => {
    const log: string[] = [];
    const gates = [gate(log, 'a', true), gate(log, 'b'), gate(log, 'c')];
    const all = runAtMost(
      2,
      gates.map((g) => g.task),
    );
    let settled = false;
    all.catch(() => undefined).finally(() => (settled = true));
    await tick();
    gates[0].release();
    await tick();
    assert.equal(settled, false, 'b is still running');
    gates[1].release();
    await assert.rejects(all, /a failed/);
    assert.deepEqual(log, ['start a', 'start b', 'end a', 'end b']);
  });

  it('does nothing for no tasks', async () => {
    await runAtMost(3, []);
  });
});
