import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Cluster } from '../../../src/config/schema.js';
import { applyTopology } from '../../../src/ha/topology.js';

const cluster = (): Cluster => ({
  env: 'prod',
  primary: { host: 'a', port: 3306, site: 'dc1' },
  replicas: [{ host: 'b', port: 3306, site: 'dc2' }],
  user: 'dbops',
  timezone: 'UTC',
  peak_hours: [],
  max_concurrent_jobs: 1,
  replica_delay_seconds: 0,
});
const row = {
  cluster: 'prod',
  primary: { host: 'b', port: 3306 },
  replicas: [{ host: 'a', port: 3306 }],
  ticketId: 7,
  reason: 'switchover' as const,
  changedAt: '',
};

it('a recorded topology overrides dbops.yml’s primary, each instance keeping its site', () => {
  const clusters = { prod: cluster() };
  assert.deepEqual(applyTopology(clusters, [row]), [{ cluster: 'prod', applied: true }]);
  assert.deepEqual(clusters.prod.primary, { host: 'b', port: 3306, site: 'dc2' });
  assert.deepEqual(clusters.prod.replicas, [{ host: 'a', port: 3306, site: 'dc1' }]);
});

it('dbops.yml naming other instances since wins, and says why; a removed cluster is skipped', () => {
  const clusters = { prod: { ...cluster(), replicas: [{ host: 'c', port: 3306 }] } };
  const [outcome] = applyTopology(clusters, [row]);
  assert.equal(outcome?.applied, false);
  assert.match(outcome && !outcome.applied ? outcome.why : '', /dbops\.yml wins/);
  assert.equal(clusters.prod.primary.host, 'a');
  assert.deepEqual(applyTopology({}, [row]), [
    { cluster: 'prod', applied: false, why: 'the cluster is no longer in dbops.yml' },
  ]);
});
