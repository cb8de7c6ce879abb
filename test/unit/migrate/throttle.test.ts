import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overLimit, Throttle, type SourceLoad, type ThrottleLimits } from '../../../src/migrate/throttle.js';

const limits: ThrottleLimits = { maxReplicaLagSeconds: 10, maxThreadsRunning: 25, checkMs: 5 };

describe('the copy throttle', () => {
  const cases: Array<[SourceLoad, ThrottleLimits, string | null]> = [
    [{ threadsRunning: 3, replicaLagSeconds: null }, limits, null],
    [{ threadsRunning: 25, replicaLagSeconds: 10 }, limits, null],
    [{ threadsRunning: 26, replicaLagSeconds: 0 }, limits, '26 threads are running on the source (limit 25)'],
    [{ threadsRunning: 1, replicaLagSeconds: 11 }, limits, "the source's replica lag is 11 s (limit 10 s)"],
    [
      { threadsRunning: 1, replicaLagSeconds: Number.NaN },
      limits,
      "the source's replication is stopped (its lag is unknown)",
    ],
    [
      { threadsRunning: 99, replicaLagSeconds: 99 },
      { ...limits, maxReplicaLagSeconds: null, maxThreadsRunning: null },
      null,
    ],
    [
      { threadsRunning: 1, replicaLagSeconds: null },
      { ...limits, maxThreadsRunning: 0 },
      '1 thread is running on the source (limit 0)',
    ],
  ];
  for (const [load, given, want] of cases)
    it(`${JSON.stringify(load)} → ${want ?? 'go on'}`, () => assert.equal(overLimit(load, given), want));

  it('holds every stream while the source is over a limit, reads it once per check, and says when it pauses and goes on', async () => {
    const loads: SourceLoad[] = [
      { threadsRunning: 40, replicaLagSeconds: 0 },
      { threadsRunning: 30, replicaLagSeconds: 0 },
      { threadsRunning: 2, replicaLagSeconds: 0 },
    ];
    let reads = 0;
    const events: string[] = [];
    // The throttle's clock stands still unless the test moves it: "within check_seconds" must not
    // depend on how fast a loaded machine gets from one line to the next.
    let now = 1_000;
    const throttle = new Throttle(
      { read: async () => loads[Math.min(reads++, loads.length - 1)] },
      limits,
      {
        onPause: (reason) => events.push(`pause: ${reason}`),
        onResume: () => events.push('resume'),
      },
      undefined,
      () => now,
    );
    await Promise.all([throttle.ready(), throttle.ready(), throttle.ready()]);
    assert.equal(reads, 3, 'three streams waited on one reading at a time');
    assert.deepEqual(events, ['pause: 40 threads are running on the source (limit 25)', 'resume']);
    await throttle.ready();
    assert.equal(reads, 3, 'within check_seconds the source is not read again');
    now += limits.checkMs;
    await throttle.ready();
    assert.equal(reads, 4, 'once check_seconds have passed, the next chunk reads the source again');
  });

  it('a cancel ends a pause at once', async () => {
    const stop = new AbortController();
    const throttle = new Throttle(
      { read: async () => ({ threadsRunning: 99, replicaLagSeconds: null }) },
      { ...limits, checkMs: 60_000 },
      { onPause: () => stop.abort(new Error('cancelled')) },
      stop.signal,
    );
    await assert.rejects(throttle.ready(), /cancelled/);
  });
});
