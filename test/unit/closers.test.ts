import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Closers, StartAborted, untilAborted } from '../../src/closers.js';
import { silentLogger } from '../../src/kernel/logger.js';

describe('closing what a start opened', () => {
  it('closes in reverse order, once, and closes at once what opens after the close', async () => {
    const closed: string[] = [];
    const closers = new Closers(silentLogger());
    closers.push(async () => closed.push('meta'));
    closers.push(async () => {
      throw new Error('redis was already gone');
    });
    closers.push(async () => closed.push('queue'));
    await closers.closeAll();
    assert.deepEqual(closed, ['queue', 'meta'], 'a failing closer does not stop the ones after it');
    await closers.closeAll();
    assert.deepEqual(closed, ['queue', 'meta'], 'closing twice closes nothing twice');
    closers.push(async () => closed.push('late app'));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(closed, ['queue', 'meta', 'late app']);
  });

  it('stops waiting for a start that never finishes when its signal aborts', async () => {
    const abort = new AbortController();
    const never = new Promise<string>(() => undefined);
    const waiting = untilAborted(never, abort.signal);
    abort.abort();
    await assert.rejects(waiting, StartAborted);
    await assert.rejects(untilAborted(Promise.resolve('x'), abort.signal), StartAborted, 'already aborted');
    assert.equal(await untilAborted(Promise.resolve('started'), new AbortController().signal), 'started');
    assert.equal(await untilAborted(Promise.resolve('started'), undefined), 'started');
  });

  it('does not leave the abandoned start to fail unhandled', async () => {
    const abort = new AbortController();
    let fail: (err: Error) => void = () => undefined;
    const start = new Promise<string>((_, reject) => (fail = reject));
    const waiting = untilAborted(start, abort.signal);
    abort.abort();
    await assert.rejects(waiting, StartAborted);
    fail(new Error('Slack finally answered: invalid_auth'));
    await new Promise((r) => setImmediate(r)); // an unhandled rejection would fail the test run here
  });
});
