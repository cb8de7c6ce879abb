import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mysql, { type Pool } from 'mysql2/promise';
import { parseConfig } from '../../../src/config/load.js';
import { migrateMeta, openMetaStore } from '../../../src/db/meta.js';
import { ClusterPools } from '../../../src/db/pools.js';
import { readSchemaSizes } from '../../../src/db/schema/schema-sizes.js';
import { createDiagnostics, type Diagnostics } from '../../../src/diagnose/service.js';
import { DbopsError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/logger.js';
import { MonitorStore } from '../../../src/monitor/monitor-store.js';
import { spaceMessage } from '../../../src/slack/views/diagnose-space.js';
import { dropDatabase } from '../../support/harness.js';

describe('space: biggest schemas and tables, growth between two monitor samples, days to the disk (real MariaDB)', () => {
  const suffix = randomBytes(4).toString('hex');
  const schema = `dbops_dgs_${suffix}`;
  const metaDb = `dbops_dgsm_${suffix}`;
  let meta: Pool;
  let pools: ClusterPools;
  let diagnostics: Diagnostics;
  let now = new Date();
  before(async () => {
    const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    await admin.query(`CREATE DATABASE \`${schema}\``);
    await admin.query(
      `CREATE TABLE \`${schema}\`.events (id INT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(500) NOT NULL, KEY (body(20)))`,
    );
    await admin.query(`CREATE TABLE \`${schema}\`.small (id INT PRIMARY KEY)`);
    await admin.end();
    meta = await openMetaStore(`mysql://root@127.0.0.1:3306/${metaDb}`);
    await migrateMeta(meta);
    const config = parseConfig(`
slack: { approval_channel: C0APPROVE, alert_channel: C0ALERTS }
clusters:
  local: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: root, disk_bytes: 100000000000 }
monitors:
  schema_size: { limits_gb: { local.${schema}: 1 } }
`);
    pools = new ClusterPools(config.clusters, { secrets: {} });
    diagnostics = createDiagnostics({ pools, meta, config, clock: { now: () => now }, logger: silentLogger() });
  });
  after(async () => {
    await pools.closeAll();
    await meta.end();
    await dropDatabase(metaDb);
    await dropDatabase(schema);
  });

  it("shows the schema's growth after inserts between two monitor samples, and the days to its limit and the disk", async () => {
    const store = new MonitorStore(meta);
    const pool = pools.primary('local');
    const t0 = new Date(Date.now() - 3_600_000);
    await store.recordSizes('local', await readSchemaSizes(pool), t0, 28);
    const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: schema });
    try {
      await conn.query("INSERT INTO events (body) SELECT REPEAT('x', 400) FROM seq_1_to_20000");
      await conn.query('ANALYZE TABLE events'); // InnoDB's size estimate catches up now rather than later
    } finally {
      await conn.end();
    }
    now = new Date();
    await store.recordSizes('local', await readSchemaSizes(pool), now, 28);

    const report = await diagnostics.space('local', schema);
    const mine = report.schemas.find((s) => s.schema === schema);
    assert.ok(mine);
    assert.equal(mine.tables, 2);
    assert.ok(mine.dataBytes > 4_000_000, `20,000 rows of 400 bytes: ${mine.dataBytes}`);
    assert.ok((mine.growthPerDay ?? 0) > 0, 'it grew between the two samples');
    assert.ok(mine.daysToLimit !== null && mine.daysToLimit > 0, 'days until its 1 GB limit');
    assert.equal(report.tables[0]?.table, 'events', 'the biggest table first');
    const text = JSON.stringify(spaceMessage(report).blocks);
    assert.match(text, /Biggest tables/);
    assert.match(text, /\+\d/);

    const whole = await diagnostics.space('local');
    assert.ok(whole.schemas.some((s) => s.schema === schema));
    assert.ok(whole.daysToDisk !== null && whole.daysToDisk > 0);
    assert.match(JSON.stringify(spaceMessage(whole).blocks), /of the 93\.1 GB disk · full in about/);
  });

  it('names a schema that is not there, with the closest one', async () => {
    await assert.rejects(diagnostics.space('local', `${schema}x`), (err: unknown) => {
      assert.ok(err instanceof DbopsError);
      assert.equal(err.code, 'not_found');
      assert.match(err.message, new RegExp(`did you mean \`${schema}\``));
      return true;
    });
  });
});
