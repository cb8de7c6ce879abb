import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agreementRefusal, judgeReplicas, type ReplicaSample } from '../../../src/ha/replica-agreement.js';

const P = '10.0.0.1:3306';
const A = '10.0.0.2:3306';
const B = '10.0.0.3:3306';

/** A replica of P, connected, having received `received`, heartbeat every second; `at` in seconds. */
function sample(at: number, over: Partial<ReplicaSample> = {}): ReplicaSample {
  return {
    name: 'replica',
    at: at * 1000,
    reachable: true,
    source: P,
    io: 'Yes',
    ioErrno: 0,
    ioError: '',
    received: 'mysql-bin.000001|100|0',
    heartbeatSeconds: 1,
    ...over,
  };
}
const reconnecting = (at: number) =>
  sample(at, { io: 'Connecting', ioErrno: 2003, ioError: "Can't connect to MySQL server on '10.0.0.1'" });
const judge = (series: Record<string, ReplicaSample[]>) => judgeReplicas(P, new Map(Object.entries(series)));
const says = (series: Record<string, ReplicaSample[]>) =>
  Object.fromEntries(judge(series).testimony.map((t) => [t.name, t.says]));

describe('judgeReplicas: do the replicas agree the primary is gone?', () => {
  it('a killed primary: every replica reconnecting → lost', () => {
    const verdict = judge({ [A]: [reconnecting(0)], [B]: [reconnecting(0)] });
    assert.equal(verdict.verdict, 'lost');
    assert.match(
      verdict.testimony[0]?.detail ?? '',
      /10\.0\.0\.2:3306 is reconnecting to 10\.0\.0\.1:3306 \(error 2003/,
    );
  });

  it('an IO thread stopped by an error counts as lost; one stopped by hand cannot testify', () => {
    const stoppedByError = sample(0, { io: 'No', ioErrno: 1236, ioError: 'binlog gone' });
    const stoppedByHand = sample(0, { io: 'No' });
    assert.deepEqual(says({ [A]: [stoppedByError], [B]: [stoppedByHand] }), { [A]: 'lost', [B]: 'no say' });
    assert.equal(judge({ [A]: [stoppedByError], [B]: [stoppedByHand] }).verdict, 'lost');
    assert.equal(judge({ [B]: [stoppedByHand] }).verdict, 'no witness');
  });

  it('a replica that still receives (an event or a heartbeat) decides: not lost, whatever the others say', () => {
    const heartbeats = [sample(0), sample(0.5, { received: 'mysql-bin.000001|100|1' }), sample(1)];
    assert.equal(judge({ [A]: heartbeats, [B]: [reconnecting(0), reconnecting(1)] }).verdict, 'replicating');
    assert.deepEqual(says({ [A]: heartbeats }), { [A]: 'replicating' });
  });

  it('connected but nothing received yet: undecided until twice the heartbeat period, then lost', () => {
    const quiet = (seconds: number, heartbeatSeconds = 1) =>
      Array.from({ length: seconds * 2 + 1 }, (_, i) => sample(i / 2, { heartbeatSeconds }));
    assert.equal(judge({ [A]: quiet(1) }).verdict, 'undecided');
    const lost = judge({ [A]: quiet(2) });
    assert.equal(lost.verdict, 'lost');
    assert.match(
      lost.testimony[0]?.detail ?? '',
      /heard nothing from 10\.0\.0\.1:3306 for 2\.0 s \(heartbeat every 1 s\)/,
    );
    // No heartbeat configured: silence says nothing (an idle primary sends nothing), it stays undecided.
    assert.equal(judge({ [A]: quiet(5, 0) }).verdict, 'undecided');
  });

  it('silence is counted from the last thing received, and from when the IO thread (re)connected', () => {
    const received = (at: number, n: number) => sample(at, { received: `mysql-bin.000001|100|${n}` });
    // Received at 1 s, then silent 1.5 s (< 2 s): it still replicates.
    assert.equal(judge({ [A]: [received(0, 0), received(1, 1), received(2.5, 1)] }).verdict, 'replicating');
    // … then silent 2 s: lost.
    assert.equal(judge({ [A]: [received(0, 0), received(1, 1), received(3, 1)] }).verdict, 'lost');
    // Reconnecting, then connected again: the earlier readings do not count as silence.
    assert.equal(judge({ [A]: [sample(0), reconnecting(1), sample(2), sample(2.5)] }).verdict, 'undecided');
  });

  it('unreachable replicas, replicas of another instance and replicas of nobody have no say', () => {
    const unreachable = sample(0, { reachable: false, problem: 'connect ETIMEDOUT', source: null });
    const elsewhere = sample(0, { source: '10.0.0.9:3306' });
    const nobody = sample(0, { source: null });
    assert.deepEqual(says({ [A]: [unreachable], [B]: [elsewhere], x: [nobody] }), {
      [A]: 'no say',
      [B]: 'no say',
      x: 'no say',
    });
    assert.equal(judge({ [A]: [unreachable], [B]: [elsewhere] }).verdict, 'no witness');
    // One replica unreachable, the other lost the primary: orchestrator's DeadMasterAndSomeReplicas — lost.
    assert.equal(judge({ [A]: [unreachable], [B]: [reconnecting(0)] }).verdict, 'lost');
  });
});

describe('agreementRefusal: what the primary-down alert says', () => {
  it('says nothing when the replicas agree, and plainly why not otherwise', () => {
    assert.equal(agreementRefusal(P, { ...judge({ [A]: [reconnecting(0)] }), waitedMs: 0 }), null);
    const replicating = agreementRefusal(P, {
      ...judge({ [A]: [sample(0), sample(0.5, { received: 'x' })] }),
      waitedMs: 500,
    });
    assert.match(
      replicating ?? '',
      /^dbops cannot reach 10\.0\.0\.1:3306 but its replicas still replicate from it \(10\.0\.0\.2:3306 still receives from 10\.0\.0\.1:3306\) — not failing over automatically \(network between dbops and 10\.0\.0\.1:3306\?\)$/,
    );
    const undecided = agreementRefusal(P, {
      ...judge({ [A]: [sample(0), sample(1, { heartbeatSeconds: 0 })] }),
      waitedMs: 30_000,
    });
    assert.match(undecided ?? '', /their IO threads stayed connected for 30\.0 s .*lower slave_net_timeout/);
    const noWitness = agreementRefusal(P, { ...judge({ [A]: [sample(0, { source: null })] }), waitedMs: 0 });
    assert.match(noWitness ?? '', /none of 10\.0\.0\.1:3306's replicas can say .*replicates from nobody/);
  });
});
