import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startReplicaSet, type ReplicaSet } from '../../support/replica-set.js';
import { monitorFixture, type MonitorFixture } from './fixture.js';

// Own primary/replica pair (ports 3317/3318): deadlocks and transactions here disturb no other test.
const PORT = 3317;
const SCHEMA = 'mon_checks';
let set: ReplicaSet;
let f: MonitorFixture;
const PRIMARY = `127.0.0.1:${PORT}`;
const REPLICA = `127.0.0.1:${PORT + 1}`;

before(async () => {
  set = await startReplicaSet('mon-checks', PORT);
  await set.sql('primary', `DROP DATABASE IF EXISTS ${SCHEMA}`);
  await set.sql('primary', `CREATE DATABASE ${SCHEMA}`);
  await set.sql('primary', `CREATE TABLE ${SCHEMA}.accounts (id INT PRIMARY KEY, balance INT NOT NULL) ENGINE=InnoDB`);
  await set.sql('primary', `INSERT INTO ${SCHEMA}.accounts VALUES (1, 100), (2, 100)`);
  f = await monitorFixture(`
clusters:
  mon:
    env: prod
    primary: { host: 127.0.0.1, port: ${PORT} }
    replicas: [{ host: 127.0.0.1, port: ${PORT + 1} }]
    user: root
monitors:
  long_transaction_seconds: { warning: 1, critical: 600 }
`);
});
after(async () => {
  await f?.close();
  await set?.sql('primary', `DROP DATABASE IF EXISTS ${SCHEMA}`).catch(() => undefined);
  await set?.cleanup(); // the pair and its datadirs go: a suite leaves nothing behind
});

const pollBoth = async () => [await f.poller.poll('mon', PRIMARY), await f.poller.poll('mon', REPLICA)];
const firing = async (check: string) => (await f.alerts.firing('mon')).filter((a) => a.checkId === check);

describe('monitors on a real primary and replica', () => {
  it('a healthy pair in its configured roles raises nothing, and each poll holds one connection per instance', async () => {
    const results = await pollBoth();
    assert.deepEqual(
      results.map((r) => r.status),
      ['up', 'up'],
    );
    assert.deepEqual(
      results.flatMap((r) => (r.status === 'up' ? r.conditions : [])),
      [],
    );
    const replica = results[1];
    assert.ok(replica.status === 'up' && replica.sample.replication?.sqlRunning && replica.sample.readOnly);
    const rows = await set.sql(
      'primary',
      "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = 'root' AND COMMAND <> 'Binlog Dump' AND ID <> CONNECTION_ID()",
    );
    assert.equal(
      Number((rows as Array<{ n: number }>)[0].n),
      1,
      'the monitor keeps exactly one connection to the primary',
    );
    assert.equal(f.posts().length, 0);
  });

  it('a transaction open longer than the threshold alerts once, with its query and client, and resolves when it ends', async () => {
    const app = await mysql.createConnection({ host: '127.0.0.1', port: PORT, user: 'root', database: SCHEMA });
    try {
      await app.query('START TRANSACTION');
      await app.query('UPDATE accounts SET balance = balance + 1 WHERE id = 1');
      await sleep(2100); // older than the 1 s warning level
      await pollBoth();
      assert.equal((await firing('long-transactions')).length, 0, 'pending after one poll');
      await pollBoth();
      await pollBoth();
      const [alert] = await firing('long-transactions');
      assert.ok(alert, 'fired after the second poll');
      assert.equal(alert.instance, PRIMARY);
      assert.match(
        alert.summary,
        /transaction open \d+ s on thread \d+ by root@127\.0\.0\.1:\d+ in mon_checks, idle in transaction/,
      );
      const posts = f.posts();
      assert.equal(posts.length, 1, 'one message');
      assert.match(JSON.stringify(posts[0].blocks), /Long transaction/);
      assert.equal(f.replies(posts[0]).length, 0, 'no repeat');
    } finally {
      await app.query('ROLLBACK').catch(() => undefined);
      await app.end();
    }
    await pollBoth();
    await pollBoth();
    assert.equal((await firing('long-transactions')).length, 0);
    const [post] = f.posts();
    assert.match(JSON.stringify(f.replies(post).map((r) => r.blocks)), /all clear/);
    assert.equal(
      f.api.message(post.channel, post.ts)?.editCount &&
        /all clear/.test(JSON.stringify(f.api.message(post.channel, post.ts)?.blocks)),
      true,
    );
  });

  it('a provoked deadlock alerts once, naming the deadlocked table', async () => {
    await pollBoth(); // the baseline of Innodb_deadlocks is in place
    const postsBefore = f.posts().length;
    const [a, b] = await Promise.all(
      [1, 2].map(() => mysql.createConnection({ host: '127.0.0.1', port: PORT, user: 'root', database: SCHEMA })),
    );
    try {
      await a.query('START TRANSACTION');
      await b.query('START TRANSACTION');
      await a.query('UPDATE accounts SET balance = balance - 1 WHERE id = 1');
      await b.query('UPDATE accounts SET balance = balance - 1 WHERE id = 2');
      const first = a.query('UPDATE accounts SET balance = balance + 1 WHERE id = 2');
      await sleep(200);
      const second = b.query('UPDATE accounts SET balance = balance + 1 WHERE id = 1');
      const outcomes = await Promise.allSettled([first, second]);
      assert.ok(
        outcomes.some((o) => o.status === 'rejected' && /Deadlock/.test(String(o.reason))),
        'InnoDB chose a victim',
      );
    } finally {
      await Promise.all(
        [a, b].map((c) =>
          c
            .query('ROLLBACK')
            .catch(() => undefined)
            .then(() => c.end()),
        ),
      );
    }
    await pollBoth();
    const [alert] = await firing('deadlocks');
    assert.ok(alert, 'fired on the first poll after it');
    assert.match(alert.summary, /a deadlock since the last poll; latest on `mon_checks`\.`accounts`/);
    await pollBoth();
    await pollBoth();
    assert.equal((await firing('deadlocks')).length, 1);
    assert.equal(f.posts().length, postsBefore + 1, 'one message for it, not one per poll');
    assert.equal((await firing('deadlocks'))[0].occurrences, 1);
  });

  it('schema growth: the trend of the samples forecasts the days until the size limit', async () => {
    const rows = (await set.sql(
      'primary',
      'SELECT SUM(data_length + index_length) AS bytes FROM information_schema.TABLES WHERE table_schema = ?',
      [SCHEMA],
    )) as Array<{ bytes: string }>;
    const size = Number(rows[0].bytes);
    const g = await monitorFixture(`
clusters:
  mon: { env: prod, primary: { host: 127.0.0.1, port: ${PORT} }, user: root }
monitors:
  schema_size: { limits_gb: { mon.${SCHEMA}: ${(3 * size) / 1024 ** 3} }, forecast_days: 30 }
`);
    const day = 86_400_000;
    const now = g.clock.now().getTime();
    // Two earlier samples, 0 two days ago and half today's size yesterday: it grows size/2 a day, so 3 × size is 4 days away.
    await g.meta.query(
      'INSERT INTO schema_size_samples (cluster, schema_name, sampled_at, bytes) VALUES (?, ?, ?, ?), (?, ?, ?, ?)',
      ['mon', SCHEMA, new Date(now - 2 * day), 0, 'mon', SCHEMA, new Date(now - day), Math.round(size / 2)],
    );
    try {
      const result = await g.poller.poll('mon', PRIMARY);
      assert.equal(result.status, 'up');
      const [alert] = (await g.alerts.firing('mon')).filter((a) => a.checkId === 'schema-size');
      assert.ok(alert, 'a forecast inside forecast_days fires on the sample that shows it');
      assert.equal(alert.subject, SCHEMA);
      assert.equal(alert.severity, 'warning');
      assert.match(alert.summary, /reaches its .* limit in about 4 days/);
    } finally {
      await g.close();
    }
  });
});
