import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { ClusterPools } from '../../../src/db/pools.js';
import { createDiagnostics, type Diagnostics } from '../../../src/diagnose/service.js';
import { DbopsError } from '../../../src/kernel/errors.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { spaceMessage } from '../../../src/slack/views/diagnose-space.js';
import { dropDatabase } from '../../support/harness.js';
import { monitorFixture, type MonitorFixture } from '../monitor/fixture.js';

const PRIMARY = '127.0.0.1:3306';

describe('space: biggest schemas and tables, growth between two monitor polls, days to the disk (real MariaDB)', () => {
  const schema = `dbops_dgs_${randomBytes(4).toString('hex')}`;
  let g: MonitorFixture;
  let pools: ClusterPools;
  let diagnostics: Diagnostics;
  before(async () => {
    const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    await admin.query(`CREATE DATABASE \`${schema}\``);
    await admin.query(
      `CREATE TABLE \`${schema}\`.events (id INT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(500) NOT NULL, KEY (body(20)))`,
    );
    await admin.query(`CREATE TABLE \`${schema}\`.small (id INT PRIMARY KEY)`);
    await admin.end();
    g = await monitorFixture(`
clusters:
  local: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: root, disk_bytes: 100000000000 }
monitors:
  schema_size: { limits_gb: { local.${schema}: 1 } }
`);
    pools = new ClusterPools(g.config.clusters, { secrets: {} });
    diagnostics = createDiagnostics({ pools, meta: g.meta, config: g.config, clock: g.clock, logger: silentLogger() });
  });
  after(async () => {
    await pools.closeAll();
    await g.close();
    await dropDatabase(schema);
  });

  it("shows a table's growth after inserts between two monitor polls, and the days to its schema's limit and the disk", async () => {
    await g.poller.poll('local', PRIMARY);
    const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: schema });
    try {
      await conn.query("INSERT INTO events (body) SELECT REPEAT('x', 400) FROM seq_1_to_20000");
      await conn.query('ANALYZE TABLE events'); // InnoDB's size estimate catches up now rather than later
    } finally {
      await conn.end();
    }
    g.clock.advance(61 * 60_000); // the next hourly sample
    await g.poller.poll('local', PRIMARY);

    const report = await diagnostics.space('local', schema);
    const mine = report.schemas.find((s) => s.schema === schema);
    assert.ok(mine);
    assert.equal(mine.tables, 2);
    assert.ok(mine.dataBytes > 4_000_000, `20,000 rows of 400 bytes: ${mine.dataBytes}`);
    assert.ok((mine.growthPerDay ?? 0) > 0, 'the schema grew between the two polls');
    assert.ok(mine.daysToLimit !== null && mine.daysToLimit > 0, 'days until its 1 GB limit');
    const [events, small] = report.tables;
    assert.equal(events?.table, 'events', 'the biggest table first');
    assert.ok((events.growthPerDay ?? 0) > 4_000_000, `it grew by its rows in an hour: ${events.growthPerDay}`);
    assert.equal(small?.growthPerDay, 0, 'the other one did not grow');
    const text = JSON.stringify(spaceMessage(report).blocks);
    assert.match(text, /Biggest tables/);
    assert.match(text, new RegExp(`${schema}\\.events +\\d.*\\+\\d`));

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
