import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MonitorsSection, MONITOR_CHECKS, Cluster } from '../../../src/config/schema.js';
import { checks } from '../../../src/monitor/checks/index.js';
import { daysUntilLimit } from '../../../src/monitor/checks/schema-size.js';
import type { CheckContext, InstanceSample } from '../../../src/monitor/types.js';

const settings = MonitorsSection.parse({});
/** A prod cluster with the config's defaults (no replicas, UTC, no peak hours). */
const cluster = Cluster.parse({ env: 'prod', primary: { host: 'db1', port: 3306 }, user: 'dbops' });
const ctx = (extra: Partial<CheckContext> = {}): CheckContext => ({
  cluster: 'prod',
  clusterConfig: cluster,
  instance: 'db2:3306',
  configuredAs: 'replica',
  settings,
  ...extra,
});
const repl = {
  source: 'db1:3306',
  ioRunning: true,
  sqlRunning: true,
  lagSeconds: 0,
  lastError: '',
  lastIoError: '',
  lastSqlError: '',
  sqlDelaySeconds: 0,
};
const healthy: InstanceSample = {
  version: '10.11.6-MariaDB',
  flavor: 'mariadb',
  readOnly: true,
  threadsRunning: 2,
  threadsConnected: 10,
  maxConnections: 151,
  replication: repl,
  replicationReadable: true,
  historyListLength: 12,
  newDeadlocks: 0,
  latestDeadlock: null,
  longTransactions: [],
  schemaSizes: null,
};
const run = (sample: Partial<InstanceSample>, c: CheckContext = ctx()) =>
  checks.flatMap((check) => check.evaluate({ ...healthy, ...sample }, c));
const fired = (sample: Partial<InstanceSample>, c?: CheckContext) =>
  run(sample, c).map((x) => `${x.checkId}:${x.severity}`);

describe('monitor checks', () => {
  it('the registry lists one check per file, and exactly the ids the config knows', () => {
    const dir = new URL('../../../src/monitor/checks/', import.meta.url).pathname;
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !['index.ts', 'levels.ts'].includes(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    assert.deepEqual(checks.map((c) => c.id).sort(), files);
    assert.deepEqual([...MONITOR_CHECKS].sort(), files);
  });

  it('a healthy replica in its configured role fires nothing', () => {
    assert.deepEqual(fired({}), []);
  });

  // Table: sample change → alerts expected (empty = must not fire).
  const cases: Array<[string, Partial<InstanceSample>, string[], Partial<CheckContext>?]> = [
    [
      'SQL thread stopped',
      { replication: { ...repl, sqlRunning: false, lagSeconds: null, lastSqlError: "Error 'Duplicate entry'" } },
      ['replication:critical'],
    ],
    ['IO thread stopped', { replication: { ...repl, ioRunning: false, lagSeconds: null } }, ['replication:critical']],
    [
      'unknown lag with threads running is stopped, not zero',
      { replication: { ...repl, lagSeconds: null } },
      ['replication:critical'],
    ],
    ['lag at the warning level', { replication: { ...repl, lagSeconds: 30 } }, ['replica-lag:warning']],
    ['lag at the critical level', { replication: { ...repl, lagSeconds: 300 } }, ['replica-lag:critical']],
    [
      'lag within the configured delay',
      { replication: { ...repl, lagSeconds: 3620 } },
      [],
      { clusterConfig: { ...cluster, replica_delay_seconds: 3600 } },
    ],
    [
      "lag within the replica's own MASTER_DELAY",
      { replication: { ...repl, lagSeconds: 620, sqlDelaySeconds: 600 } },
      [],
    ],
    [
      'lag beyond the configured delay',
      { replication: { ...repl, lagSeconds: 3700 } },
      ['replica-lag:warning'],
      { clusterConfig: { ...cluster, replica_delay_seconds: 3600 } },
    ],
    ['threads running just below', { threadsRunning: 49 }, []],
    ['threads running at 50', { threadsRunning: 50 }, ['threads-running:warning']],
    ['connections at 80 %', { threadsConnected: 121, maxConnections: 151 }, ['connections:warning']],
    ['connections at 79 %', { threadsConnected: 119, maxConnections: 151 }, []],
    ['history list at 1,000,000', { historyListLength: 1_000_000 }, ['history-list:warning']],
    ['history list unknown', { historyListLength: null }, []],
    [
      'a deadlock since the last poll',
      { newDeadlocks: 1, latestDeadlock: { at: null, tables: ['`shop`.`orders`'], queries: [] } },
      ['deadlocks:warning'],
    ],
    ['the first poll (no baseline)', { newDeadlocks: null }, []],
    ['a writable replica', { readOnly: false }, ['role:warning']],
    ['a replica that replicates from nobody', { replication: null }, ['role:critical']],
    ['a replica whose status cannot be read', { replication: null, replicationReadable: false }, []],
    [
      'a primary that replicates',
      { replication: repl, readOnly: false },
      ['role:critical'],
      { configuredAs: 'primary' },
    ],
    ['a read-only primary', { replication: null, readOnly: true }, ['role:critical'], { configuredAs: 'primary' }],
    ['a healthy primary', { replication: null, readOnly: false }, [], { configuredAs: 'primary' }],
  ];
  for (const [name, sample, expected, context] of cases) {
    it(name, () => assert.deepEqual(fired(sample, ctx(context)), expected));
  }

  it('a long transaction alerts with its age, client and statement', () => {
    const [alert] = run({
      longTransactions: [
        {
          id: '42',
          ageSeconds: 75,
          threadId: 9,
          state: 'RUNNING',
          query: 'UPDATE orders SET x = 1',
          user: 'app',
          host: '10.0.0.5:3345',
          db: 'shop',
        },
      ],
    });
    assert.equal(alert.checkId, 'long-transactions');
    assert.equal(alert.severity, 'warning');
    assert.match(
      alert.summary,
      /open 75 s on thread 9 by app@10\.0\.0\.5:3345 in shop, running: UPDATE orders SET x = 1/,
    );
    const [idle] = run({
      longTransactions: [
        { id: '43', ageSeconds: 700, threadId: 9, state: 'RUNNING', query: null, user: 'app', host: 'h', db: null },
      ],
    });
    assert.equal(idle.severity, 'critical');
    assert.match(idle.summary, /idle in transaction/);
  });

  it('schema size: critical over the limit, warning when the trend reaches it within forecast_days, quiet otherwise', () => {
    const GB = 1024 ** 3;
    const size = (bytes: number, bytesPerDay: number | null) =>
      run(
        { schemaSizes: [{ schema: 'shop', bytes, limitBytes: 100 * GB, bytesPerDay }] },
        ctx({ configuredAs: 'primary' }),
      ).filter((c) => c.checkId === 'schema-size');
    assert.equal(size(101 * GB, 0)[0]?.severity, 'critical');
    const [soon] = size(90 * GB, 1 * GB);
    assert.equal(soon?.severity, 'warning');
    assert.match(soon.summary, /reaches its 100 GB limit in about 10 day/);
    assert.deepEqual(size(10 * GB, 1 * GB), []);
    assert.deepEqual(size(90 * GB, null), []);
    assert.equal(daysUntilLimit({ schema: 's', bytes: 50, limitBytes: 100, bytesPerDay: 10 }), 5);
  });
});
