import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { Cluster } from '../../../src/config/schema.js';
import { ClusterPools } from '../../../src/db/pools.js';

const local = Cluster.parse({ env: 'test', primary: { host: '127.0.0.1', port: 3306 }, user: 'root' });

async function connectionIdOf(query: Promise<[RowDataPacket[], unknown]>): Promise<number> {
  const [rows] = await query;
  return Number(rows[0]?.id);
}

describe('the cluster pools of a process', () => {
  const pools = new ClusterPools({ local }, { secrets: {} });
  after(() => pools.closeAll());

  it('gives each lane its own pool per instance, opened once', () => {
    assert.equal(pools.primary('local'), pools.primary('local'));
    assert.equal(pools.replicaOrPrimary('local'), pools.primary('local'), 'no replica: reads go to the primary');
    assert.equal(pools.replica('local'), undefined);
    assert.equal(pools.jobs.primary('local'), pools.jobs.replicaOrPrimary('local'));
    assert.notEqual(pools.jobs.primary('local'), pools.primary('local'));
    assert.notEqual(pools.instance('local', local.primary), pools.primary('local'));
    assert.equal(pools.instance('local', local.primary), pools.instance('local', local.primary));
    assert.equal(pools.size, 3);
  });

  it('polls an instance over one connection, however many polls overlap', { timeout: 20_000 }, async () => {
    const monitor = pools.instance('local', local.primary);
    const ids = await Promise.all(
      Array.from({ length: 4 }, () =>
        connectionIdOf(monitor.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id, SLEEP(0.05) AS s')),
      ),
    );
    assert.equal(new Set(ids).size, 1, `one connection, got ${ids.join(', ')}`);
  });

  it('lets a request read while jobs hold every connection of theirs', { timeout: 20_000 }, async () => {
    const held: PoolConnection[] = [];
    try {
      for (let i = 0; i < 4; i++) held.push(await pools.jobs.primary('local').getConnection());
      const id = await connectionIdOf(pools.primary('local').query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id'));
      assert.ok(!held.some((c) => c.threadId === id), 'the request got a connection of its own lane');
    } finally {
      for (const conn of held) conn.release();
    }
  });

  it('names the known clusters for an unknown one', () => {
    assert.throws(() => pools.jobs.primary('prd'), /cluster 'prd' is not in the config \(known: local\)/);
  });

  it('refuses every lane once closed', async () => {
    const closing = new ClusterPools({ local }, { secrets: {} });
    closing.primary('local');
    await closing.closeAll();
    assert.equal(closing.size, 0);
    assert.throws(() => closing.jobs.primary('local'), /the cluster pools are closed/);
    assert.throws(() => closing.instance('local', local.primary), /the cluster pools are closed/);
  });
});
