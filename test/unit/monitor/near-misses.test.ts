import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MonitorsSection, Cluster } from '../../../src/config/schema.js';
import { checks } from '../../../src/monitor/checks/index.js';
import { measureNearMisses, NEAR_RATIO } from '../../../src/monitor/near-misses.js';
import type { CheckContext, InstanceSample } from '../../../src/monitor/types.js';

const settings = MonitorsSection.parse({ threads_running: { warning: 50, critical: 100 } });
/** A prod cluster with the config's defaults (no replicas, UTC, no peak hours). */
const cluster = Cluster.parse({ env: 'prod', primary: { host: 'db1', port: 3306 }, user: 'dbops' });
const ctx: CheckContext = {
  cluster: 'prod',
  clusterConfig: cluster,
  instance: 'db1:3306',
  configuredAs: 'primary',
  settings,
};
const sample = (extra: Partial<InstanceSample>): InstanceSample => ({
  version: '10.11.6-MariaDB',
  flavor: 'mariadb',
  readOnly: false,
  threadsRunning: 2,
  threadsConnected: 10,
  maxConnections: 100,
  replication: null,
  replicationReadable: true,
  historyListLength: 12,
  newDeadlocks: 0,
  latestDeadlock: null,
  longTransactions: [],
  schemaSizes: null,
  ...extra,
});

describe('near misses: values at 80 % of their warning level or more, under it', () => {
  it('a value at 80 % to just under 100 % of the warning level is a near miss, shown as the check shows it', () => {
    const poll = measureNearMisses(checks, sample({ threadsRunning: 45, threadsConnected: 70 }), ctx);
    assert.deepEqual(
      poll.near.map((n) => [n.checkId, n.shown, n.warningShown]),
      [
        ['threads-running', '45', '50'],
        ['connections', '70 %', '80 %'],
      ],
    );
    assert.equal(poll.ratios.get('threads-running'), 0.9);
  });

  it('under 80 % is nothing, and at the warning level it is an alert, not a near miss', () => {
    const under = measureNearMisses(checks, sample({ threadsRunning: 39 }), ctx);
    assert.equal(under.near.length, 0);
    assert.ok((under.ratios.get('threads-running') ?? 1) < NEAR_RATIO);
    const at = measureNearMisses(checks, sample({ threadsRunning: 50 }), ctx);
    assert.ok(!at.near.some((n) => n.checkId === 'threads-running'));
    assert.equal(
      at.ratios.get('threads-running'),
      1,
      'the ratio says it reached the level (the episode ends as fired)',
    );
  });

  it('checks without a value this poll measure nothing: no replica status, no history list', () => {
    const poll = measureNearMisses(checks, sample({ replication: null, historyListLength: null }), ctx);
    assert.ok(!poll.ratios.has('replica-lag'));
    assert.ok(!poll.ratios.has('history-list'));
    assert.deepEqual([...poll.ratios.keys()].sort(), ['connections', 'threads-running']);
  });

  it('replica lag counts beyond the configured delay', () => {
    const replication = {
      source: 'db1:3306',
      ioRunning: true,
      sqlRunning: true,
      lagSeconds: 325,
      lastError: '',
      lastIoError: '',
      lastSqlError: '',
      sqlDelaySeconds: 300,
    };
    const poll = measureNearMisses(checks, sample({ replication }), ctx);
    assert.equal(poll.ratios.get('replica-lag'), 25 / 30);
    assert.deepEqual(
      poll.near.find((n) => n.checkId === 'replica-lag'),
      { checkId: 'replica-lag', ratio: 25 / 30, shown: '25 s', warningShown: '30 s' },
    );
  });
});
