import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';
import { parseConfig } from '../../../src/config/load.js';
import { migrateMeta, openMetaStore } from '../../../src/db/meta.js';
import { ClusterPools } from '../../../src/db/pools.js';
import { createDiagnostics, type Diagnostics } from '../../../src/diagnose/service.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { createReviewer } from '../../../src/review/service.js';
import { ids } from '../../../src/slack/ids.js';
import { slowMessage } from '../../../src/slack/views/diagnose-slow.js';
import { dropDatabase } from '../../support/harness.js';

/**
 * The slow log is a server setting: the test turns it on (to the TABLE too) for the time of the
 * test and puts it back. Only its own session logs (long_query_time 0 for it; the global stays).
 */
describe('slow: digests from the slow log table, reviewed against their schema (real MariaDB)', () => {
  const suffix = randomBytes(4).toString('hex');
  const schema = `dbops_dgw_${suffix}`;
  const metaDb = `dbops_dgwm_${suffix}`;
  let meta: Pool;
  let pools: ClusterPools;
  let diagnostics: Diagnostics;
  let saved: { log_output: string; slow: number } | undefined;
  before(async () => {
    const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    await admin.query(`CREATE DATABASE \`${schema}\``);
    await admin.query(
      `CREATE TABLE \`${schema}\`.items (id INT AUTO_INCREMENT PRIMARY KEY, sku VARCHAR(32) NOT NULL, qty INT NOT NULL)`,
    );
    await admin.query(`USE \`${schema}\``);
    await admin.query(`INSERT INTO \`${schema}\`.items (sku, qty) SELECT CONCAT('sku-', seq), seq FROM seq_1_to_5000`);
    const [[row]] = await admin.query<RowDataPacket[]>('SELECT @@global.log_output AS o, @@global.slow_query_log AS s');
    saved = { log_output: String(row.o), slow: Number(row.s) };
    await admin.end();
    meta = await openMetaStore(`mysql://root@127.0.0.1:3306/${metaDb}`);
    await migrateMeta(meta);
    const config = parseConfig(`
slack: { approval_channel: C0APPROVE, alert_channel: C0ALERTS }
clusters:
  local: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: root }
`);
    pools = new ClusterPools(config.clusters, { secrets: {} });
    const reviewer = createReviewer(config, { pools, secrets: {} });
    diagnostics = createDiagnostics({
      pools,
      meta,
      config,
      review: (sql, target) => reviewer.review({ sql, target }),
      clock: { now: () => new Date() },
      logger: silentLogger(),
    });
  });
  after(async () => {
    await pools?.closeAll();
    await meta?.end();
    await dropDatabase(metaDb);
    await dropDatabase(schema);
    const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    if (saved)
      await admin.query('SET GLOBAL log_output = ?, GLOBAL slow_query_log = ?', [saved.log_output, saved.slow]);
    // The log table takes no DELETE: it is emptied only when every row in it is this test's own.
    const [[others]] = await admin.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM mysql.slow_log WHERE db <> ?', [
      schema,
    ]);
    if (Number(others.n) === 0) await admin.query('TRUNCATE TABLE mysql.slow_log');
    await admin.end();
  });

  it('says what to enable when neither performance_schema nor the slow log table is on', async () => {
    const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    await admin.query("SET GLOBAL log_output = 'FILE'");
    await admin.end();
    const report = await diagnostics.slow('local', schema, '1h');
    assert.equal(report.ok, false);
    const text = JSON.stringify(slowMessage(report).blocks);
    assert.match(text, /performance_schema = ON/);
    assert.match(text, /SET GLOBAL log_output = 'FILE,TABLE'/);
    assert.match(text, /does not change server settings/);
  });

  it('lists the slow statement as one digest with calls, times and rows, reviewed with a full scan found', async () => {
    const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    await admin.query("SET GLOBAL log_output = 'FILE,TABLE', GLOBAL slow_query_log = ON");
    await admin.end();
    const app = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: schema });
    try {
      await app.query('SET SESSION long_query_time = 0');
      for (const sku of ['sku-17', 'sku-4242', 'sku-999'])
        await app.query('SELECT id, qty FROM items WHERE sku = ?', [sku]);
    } finally {
      await app.end();
    }
    const report = await diagnostics.slow('local', schema, '1h');
    assert.ok(report.ok);
    assert.equal(report.source, 'slow_log');
    const digest = report.digests.find((d) => d.digest === 'select id, qty from items where sku = ?');
    assert.ok(digest, JSON.stringify(report.digests.map((d) => d.digest)));
    assert.equal(digest.calls, 3);
    assert.equal(digest.rowsExamined, 15_000);
    assert.equal(digest.rowsSent, 3);
    assert.ok(digest.p95Seconds !== null);
    const review = report.reviews[report.digests.indexOf(digest)];
    assert.ok(review?.report, review?.why);
    assert.equal(review.advice?.kind, 'add', JSON.stringify(review.advice));
    assert.ok(review.advice?.kind === 'add');
    assert.deepEqual(review.advice.columns, ['sku']);
    assert.equal(review.advice.sql, 'ALTER TABLE `items` ADD INDEX `idx_sku` (`sku`)');
    assert.equal(review.advice.plan.type, 'ALL');
    const message = slowMessage(report);
    const text = JSON.stringify(message.blocks);
    assert.match(text, /3 calls/);
    assert.match(text, /rows examined 15,000 vs sent 3/);
    assert.match(text, /Review: grade/);
    assert.match(text, /a full scan of/);
    const open = message.blocks
      .flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .find((e) => 'action_id' in e && e.action_id === ids.diagnose.openChange);
    assert.ok(open && 'value' in open);
    assert.deepEqual(JSON.parse(String(open.value)), { t: `local.${schema}`, s: review.advice.sql });

    // Applied (as the change ticket would), the same statement's EXPLAIN uses the index.
    const apply = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: schema });
    try {
      await apply.query(review.advice.sql);
      const [plan] = await apply.query<RowDataPacket[]>(`EXPLAIN ${digest.sample}`);
      assert.equal(plan[0].key, 'idx_sku');
    } finally {
      await apply.end();
    }
    const again = await diagnostics.slow('local', schema, '1h');
    assert.ok(again.ok);
    const later = again.reviews[again.digests.findIndex((d) => d.digest === digest.digest)];
    assert.equal(later?.advice?.kind, 'none');
    assert.match(later?.advice?.kind === 'none' ? later.advice.why : '', /already uses index `idx_sku`/);
  });
});
