import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeFacts } from '../../../src/ha/node-facts.js';
import { planSwitchover, type PlanInput } from '../../../src/ha/plan.js';

const P = { host: '10.0.0.1', port: 3306, site: 'dc1' };
const A = { host: '10.0.0.2', port: 3306, site: 'dc2' };
const B = { host: '10.0.0.3', port: 3306, site: 'dc1' };
const name = (e: { host: string; port: number }) => `${e.host}:${e.port}`;

function node(e: { host: string; port: number }, over: Partial<NodeFacts> = {}): NodeFacts {
  const isPrimary = e === P;
  return {
    name: name(e),
    reachable: true,
    problem: null,
    readOnly: !isPrimary,
    logBin: true,
    logSlaveUpdates: true,
    serverId: 1,
    gtidBinlogPos: '0-1-100',
    gtidSlavePos: isPrimary ? '' : '0-1-100',
    replication: isPrimary
      ? null
      : { source: name(P), ioRunning: true, sqlRunning: true, lagSeconds: 0, usingGtid: true, lastError: '' },
    filters: [],
    connections: 5,
    qps: 10,
    oldestTransactionSeconds: 0,
    ...over,
  };
}

function input(facts: NodeFacts[], over: Partial<PlanInput> = {}): PlanInput {
  return {
    mode: 'switchover',
    primary: P,
    replicas: [A, B],
    facts: new Map(facts.map((f) => [f.name, f])),
    settings: { max_lag_seconds: 10, max_transaction_seconds: 30, replication_user: 'repl' },
    to: null,
    ...over,
  };
}

const failed = (plan: ReturnType<typeof planSwitchover>) => plan.checks.filter((c) => !c.ok).map((c) => c.name);

describe('the candidate', () => {
  const cases: Array<{ name: string; a: Partial<NodeFacts>; b: Partial<NodeFacts>; want: string; why: RegExp }> = [
    {
      name: 'same site wins among caught-up replicas',
      a: {},
      b: {},
      want: name(B),
      why: /caught up, same site as the primary \(dc1\)/,
    },
    {
      name: 'caught up beats same site',
      a: {},
      b: { gtidSlavePos: '0-1-98' },
      want: name(A),
      why: /^caught up/,
    },
    {
      name: 'same site beats fewer connections',
      a: { connections: 2 },
      b: { connections: 9 },
      want: name(B),
      why: /same site/,
    },
    {
      name: 'binary log off: not promotable',
      a: {},
      b: { logBin: false },
      want: name(A),
      why: /only replica that can be promoted/,
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const plan = planSwitchover(input([node(P), node(A, c.a), node(B, c.b)]));
      assert.equal(plan.candidate, c.want);
      assert.match(plan.why.join(', '), c.why);
    });

  it('without sites: fewest connections, then lowest QPS', () => {
    const plain = input([node(P), node(A, { connections: 1, qps: 50 }), node(B, { connections: 1, qps: 5 })], {
      primary: { host: P.host, port: P.port },
      replicas: [
        { host: A.host, port: A.port },
        { host: B.host, port: B.port },
      ],
    });
    const plan = planSwitchover(plain);
    assert.equal(plan.candidate, name(B));
    assert.deepEqual(plan.why, ['caught up', 'fewest connections (1)', 'lowest QPS (5)']);
  });

  it('`to` names one; a host that is no replica is refused', () => {
    assert.equal(planSwitchover(input([node(P), node(A), node(B)], { to: name(A) })).candidate, name(A));
    const plan = planSwitchover(input([node(P), node(A), node(B)], { to: '10.9.9.9:3306' }));
    assert.deepEqual(failed(plan), ['candidate']);
  });
});

describe('pre-checks', () => {
  it('all pass on a healthy cluster', () => {
    assert.deepEqual(failed(planSwitchover(input([node(P), node(A), node(B)]))), []);
  });
  const refusals: Array<{ name: string; facts: NodeFacts[]; check: string; detail: RegExp }> = [
    {
      name: 'a stopped replica',
      facts: [
        node(P),
        node(A, {
          replication: {
            source: name(P),
            ioRunning: false,
            sqlRunning: false,
            lagSeconds: null,
            usingGtid: true,
            lastError: '',
          },
        }),
        node(B),
      ],
      check: 'replicas running',
      detail: /10\.0\.0\.2:3306 replication stopped \(IO No, SQL No\)/,
    },
    {
      name: 'a lagging replica',
      facts: [
        node(P),
        node(A, {
          replication: {
            source: name(P),
            ioRunning: true,
            sqlRunning: true,
            lagSeconds: 40,
            usingGtid: true,
            lastError: '',
          },
        }),
        node(B),
      ],
      check: 'replicas running',
      detail: /40 s behind \(limit 10 s\)/,
    },
    {
      name: 'a long transaction on the primary',
      facts: [node(P, { oldestTransactionSeconds: 120 }), node(A), node(B)],
      check: 'long transactions',
      detail: /open 120 s \(limit 30 s\)/,
    },
    {
      name: 'an errant transaction on a replica',
      facts: [node(P), node(A, { gtidBinlogPos: '0-1-100,5-2-1' }), node(B)],
      check: 'GTID positions',
      detail: /domain 5 at 5-2-1, which the primary has never written/,
    },
    {
      name: 'replication filters that differ',
      facts: [node(P), node(A, { filters: ['Replicate_Ignore_DB=tmp'] }), node(B)],
      check: 'candidate',
      detail: /./,
    },
    {
      name: 'a read-only primary',
      facts: [node(P, { readOnly: true }), node(A), node(B)],
      check: 'primary',
      detail: /read-only/,
    },
  ];
  for (const r of refusals)
    it(`refuses: ${r.name}`, () => {
      const plan = planSwitchover(input(r.facts));
      const check = plan.checks.find((c) => c.name === r.check);
      assert.equal(check?.ok, false, JSON.stringify(plan.checks));
      assert.match(check?.detail ?? '', r.detail);
    });

  it('no replication account: the old primary could not follow', () => {
    const plan = planSwitchover(
      input([node(P), node(A), node(B)], {
        settings: { max_lag_seconds: 10, max_transaction_seconds: 30, replication_user: undefined },
      }),
    );
    assert.deepEqual(failed(plan), ['replication account']);
  });

  it('failover: the primary must be down; the furthest replica is the reference', () => {
    const down = { ...node(P), reachable: false, problem: 'connection refused' };
    const io = (pos: string) => ({
      gtidSlavePos: pos,
      replication: {
        source: name(P),
        ioRunning: false,
        sqlRunning: true,
        lagSeconds: null,
        usingGtid: true,
        lastError: '',
      },
    });
    const plan = planSwitchover(input([down, node(A, io('0-1-120')), node(B, io('0-1-110'))], { mode: 'failover' }));
    assert.deepEqual(failed(plan), []);
    assert.equal(plan.candidate, name(A), 'the one with the most data, before the same site');
    const up = planSwitchover(input([node(P), node(A), node(B)], { mode: 'failover' }));
    assert.deepEqual(failed(up), ['primary down']);
  });
});
