import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'mysql2/promise';
import { parseConfig } from '../../../src/config/load.js';
import { migrateMeta, openMetaStore } from '../../../src/db/meta.js';
import { ClusterPools } from '../../../src/db/pools.js';
import { createMetaServerProbe } from '../../../src/inventory/meta-server.js';
import { dropDatabase } from '../../support/harness.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

/** A connection to another server, as far as named locks go, whose schema `from` reads as `to` (a copy, or another installation). */
function elsewhere(real: Pool, from: string, to: string): Pool {
  const stub = {
    query: async (sql: string, params?: unknown[]) =>
      sql.includes('IS_USED_LOCK') ? [[{ holder: null }], []] : real.query(sql.replaceAll(from, to), params),
  };
  return stub as unknown as Pool; // only `query` is used by the probe
}

describe("which cluster holds dbops' meta database (asked of the servers, not told by host names)", () => {
  const suffix = randomBytes(4).toString('hex');
  const metaDb = `dbops_ms_${suffix}`;
  const otherDb = `dbops_ms2_${suffix}`;
  let meta: Pool;
  let other: Pool;
  let pools: ClusterPools;
  before(async () => {
    meta = await openMetaStore(`mysql://root@127.0.0.1:3306/${metaDb}`);
    await migrateMeta(meta);
    other = await openMetaStore(`mysql://root@127.0.0.1:3306/${otherDb}`);
    await migrateMeta(other);
    const config = parseConfig(`
slack: { approval_channel: C0APPROVE, alert_channel: C0ALERTS }
clusters:
  by_ip: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: root }
  by_name: { env: test, primary: { host: localhost, port: 3306 }, user: root }
  by_hostname: { env: test, primary: { host: ${hostname()}, port: 3306 }, user: root }
  gone: { env: prod, primary: { host: 127.0.0.1, port: ${await closedPort()} }, user: root }
`);
    pools = new ClusterPools(config.clusters, { secrets: {} });
  });
  after(async () => {
    await pools.closeAll();
    await meta.end();
    await other.end();
    await dropDatabase(metaDb);
    await dropDatabase(otherDb);
  });

  it('the same server under any name: 127.0.0.1, localhost, the host name', async () => {
    const probe = createMetaServerProbe({ meta, primary: (c) => pools.primary(c) });
    assert.equal(await probe.schema(), metaDb);
    for (const cluster of ['by_ip', 'by_name', 'by_hostname']) assert.equal(await probe.isMetaServer(cluster), true);
  });

  it('a server that does not answer: no answer either (the caller refuses)', async () => {
    const probe = createMetaServerProbe({ meta, primary: (c) => pools.primary(c) });
    await assert.rejects(probe.isMetaServer('gone'), /ECONNREFUSED/);
  });

  it("another server holding a copy of the meta database (a replica) is the meta database; another installation's is not", async () => {
    const real = pools.primary('by_ip');
    const copy = createMetaServerProbe({ meta, primary: () => elsewhere(real, metaDb, metaDb) });
    assert.equal(await copy.isMetaServer('replica'), true, 'the same migration history, to the millisecond');
    const foreign = createMetaServerProbe({ meta, primary: () => elsewhere(real, metaDb, otherDb) });
    assert.equal(await foreign.isMetaServer('other'), false);
    const none = createMetaServerProbe({ meta, primary: () => elsewhere(real, metaDb, `${metaDb}_missing`) });
    assert.equal(await none.isMetaServer('plain'), false, 'no such schema there');
  });
});
