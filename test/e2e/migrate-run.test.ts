import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { MigratePayload } from '../../jobs/migrate.js';
import {
  assertSameTable,
  connect,
  count,
  insertEdgeRows,
  schemaPair,
  tablesOf,
} from '../integration/migrate/support.js';
import { migrate } from '../../jobs/migrate.js';
import { DBA, DEV, startHarness } from '../support/harness.js';
import { openRunnerFixture } from '../support/runner-fixture.js';
import { approvalMessage, clickOn, refIn, slash } from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';
import { cleanUpWorkers, spawnWorker, type WorkerProcess } from '../support/worker-processes.js';

describe('migrate jobs on the runner', () => {
  let conn: Connection;
  before(async () => {
    conn = await connect();
  });
  after(async () => {
    await conn.end();
  });

  it('approved in Slack, the job copies every table exactly, swaps them in and reports in the thread', async () => {
    const pair = await schemaPair(conn, 'dbops_e2e_run');
    const h = await startHarness({ workers: true });
    try {
      await insertEdgeRows(conn, pair.source);
      await conn.query(`USE \`${pair.source}\``);
      await conn.query(
        'CREATE TABLE orders (id BIGINT PRIMARY KEY, amount DECIMAL(12,2)); INSERT INTO orders SELECT seq, seq / 100 FROM seq_1_to_3000; CREATE VIEW v_big AS SELECT id FROM orders WHERE amount > 10',
      );
      await conn.query(
        `CREATE TABLE \`${pair.destination}\`.orders (id INT PRIMARY KEY); INSERT INTO \`${pair.destination}\`.orders VALUES (42)`,
      );
      const ref = refIn(await slash(h, `migrate prod.${pair.source}→test.${pair.destination} mode replace with views`));
      const message = approvalMessage(h, ref);
      await clickOn(h, message, DBA, 'approve', ref);
      const final = await h.api.waitFor(
        'chat.postMessage',
        (c) => c.params.thread_ts === message.ts && String(c.params.text).includes('finished'),
        60_000,
      );
      assert.match(String(final.params.text), /finished in .*; the message above has the result\./);
      const status = h.api.replies(message.channel, message.ts).find((m) => m.text?.startsWith(`${ref} succeeded`));
      assert.match(
        JSON.stringify(status?.blocks),
        /3,120 rows .* copied in [\d.]+ s, every chunk verified by count and checksum \(load-data\)/,
        'the status message holds the result',
      );
      const milestones = h.api.calls
        .filter((c) => c.method === 'chat.postMessage' && c.params.thread_ts === message.ts)
        .map((c) => String(c.params.text));
      assert.ok(
        milestones.some((t) => /`orders`: 3,000 rows .* copied and verified/.test(t)),
        milestones.join('\n'),
      );
      await assertSameTable(conn, pair.source, pair.destination, 'edge');
      await assertSameTable(conn, pair.source, pair.destination, 'edge_utf8');
      await assertSameTable(conn, pair.source, pair.destination, 'orders');
      assert.deepEqual(
        await tablesOf(conn, pair.destination),
        ['edge', 'edge_utf8', 'orders', 'v_big'],
        'the old orders was replaced; no staging table is left',
      );
    } finally {
      try {
        await h.stop();
      } finally {
        await pair.drop();
      }
    }
  });

  it('into a schema that does not exist yet: the card says it creates it, the job creates it like the source and copies every edge value', async () => {
    const pair = await schemaPair(conn, 'dbops_e2e_new');
    const h = await startHarness({ workers: true });
    try {
      await conn.query(`ALTER DATABASE \`${pair.source}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await conn.query(`DROP DATABASE \`${pair.destination}\``);
      await insertEdgeRows(conn, pair.source);
      const ref = refIn(await slash(h, `migrate prod.${pair.source}→test.${pair.destination}`));
      const message = approvalMessage(h, ref);
      assert.match(
        JSON.stringify(message.blocks),
        new RegExp(
          `Creates schema\\* \`${pair.destination}\` on test \\(utf8mb4, utf8mb4_unicode_ci, as the source\\)`,
        ),
      );
      await clickOn(h, message, DBA, 'approve', ref);
      const final = await h.api.waitFor(
        'chat.postMessage',
        (c) => c.params.thread_ts === message.ts && String(c.params.text).includes('finished'),
        60_000,
      );
      assert.ok(final, 'the final reply');
      const status = h.api.replies(message.channel, message.ts).find((m) => m.text?.startsWith(`${ref} succeeded`));
      assert.match(JSON.stringify(status?.blocks), new RegExp(`Created schema ${pair.destination}\\.`));
      const [schema] = await conn.query<RowDataPacket[]>(
        'SELECT DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [pair.destination],
      );
      assert.equal(schema[0]?.co, 'utf8mb4_unicode_ci');
      await assertSameTable(conn, pair.source, pair.destination, 'edge');
      await assertSameTable(conn, pair.source, pair.destination, 'edge_utf8');
      assert.deepEqual(await tablesOf(conn, pair.destination), ['edge', 'edge_utf8']);
    } finally {
      try {
        await h.stop();
      } finally {
        await pair.drop();
      }
    }
  });

  it('a worker killed mid-copy: another worker takes the job over and resumes; checksums equal, no row twice', async () => {
    const f = await openRunnerFixture();
    const workers: WorkerProcess[] = [];
    const pair = await schemaPair(conn, 'dbops_e2e_kill');
    try {
      const rows = 120_000;
      await conn.query(`USE \`${pair.source}\``);
      await conn.query(
        `CREATE TABLE big (id INT PRIMARY KEY, grp INT NOT NULL, body VARCHAR(100) NOT NULL, KEY grp (grp)); INSERT INTO big SELECT seq, seq % 97, REPEAT(CHAR(65 + seq % 26), 80) FROM seq_1_to_${rows}`,
      );
      workers.push(
        ...(await Promise.all(
          ['mig-a', 'mig-b'].map((name) =>
            spawnWorker({ name, configYaml: f.configYaml, metaUrl: f.metaUrl, slackApiUrl: f.api.url }),
          ),
        )),
      );
      const payload: MigratePayload = {
        source: { cluster: 'test', schema: pair.source },
        destination: { cluster: 'test', schema: pair.destination },
        tables: [],
        where: null,
        mode: 'replace',
        objects: [],
        copy: { parallel: 2, chunk_rows: 2_000, chunk_mb: 16, method: 'load-data', defer_keys: true },
      };
      const ticket = await f.ticket({ kind: 'migrate', payload });
      const staging = `__dbops_${f.installation}_T${ticket.id}_n_big`;
      const staged = async () => {
        const [found] = await conn.query<RowDataPacket[]>(
          'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
          [pair.destination, staging],
        );
        return found.length > 0 ? count(conn, pair.destination, staging) : 0;
      };
      await waitUntil(async () => (await staged()) >= rows / 5, 60_000, 'a fifth of the rows in the staging table');
      const run = await f.runs.part({ ticketId: ticket.id, attempt: 1 }, 0);
      const holder = workers.find((w) => w.name === run?.worker);
      assert.ok(holder, `the copy runs on a worker (${run?.worker})`);
      holder.kill('SIGKILL');
      await holder.exited;
      const atKill = await staged();
      assert.ok(atKill < rows, `killed mid-copy (${atKill} of ${rows} rows staged)`);

      const done = await f.waitFor(ticket.id, ['succeeded', 'failed', 'cancelled'], 90_000);
      const finished = await f.runs.getRun({ ticketId: ticket.id, attempt: 1 });
      assert.equal(done.state, 'succeeded', finished?.summary ?? '');
      assert.match(
        finished?.summary ?? '',
        /Resumed: \d+ chunks? already copied (was|were) re-verified, not copied again/,
      );
      await assertSameTable(conn, pair.source, pair.destination, 'big');
      assert.equal(await count(conn, pair.destination, 'big'), rows);
      const [distinct] = await conn.query<RowDataPacket[]>(
        `SELECT COUNT(DISTINCT id) AS n FROM \`${pair.destination}\`.big`,
      );
      assert.equal(Number(distinct[0].n), rows, 'no row twice');
      assert.deepEqual(await tablesOf(conn, pair.destination), ['big']);
    } finally {
      try {
        await cleanUpWorkers(workers);
        await f.close();
      } finally {
        await pair.drop();
      }
    }
  });

  it('Cancel stops a running migration: the staging tables are dropped and the destination is as it was', async () => {
    const f = await openRunnerFixture();
    const pair = await schemaPair(conn, 'dbops_e2e_cancel');
    try {
      await conn.query(`USE \`${pair.source}\``);
      await conn.query(
        "CREATE TABLE big (id INT PRIMARY KEY, body VARCHAR(100) NOT NULL); INSERT INTO big SELECT seq, REPEAT('x', 80) FROM seq_1_to_120000",
      );
      await conn.query(
        `CREATE TABLE \`${pair.destination}\`.big (id INT PRIMARY KEY, body VARCHAR(100) NOT NULL); INSERT INTO \`${pair.destination}\`.big VALUES (7, 'keep me')`,
      );
      await f.startWorker({ jobs: [migrate] });
      const payload: MigratePayload = {
        source: { cluster: 'test', schema: pair.source },
        destination: { cluster: 'test', schema: pair.destination },
        tables: ['big'],
        where: null,
        mode: 'replace',
        objects: [],
        copy: { parallel: 2, chunk_rows: 1_000, chunk_mb: 16, method: 'load-data', defer_keys: true },
      };
      const ticket = await f.ticket({ kind: 'migrate', payload });
      const staging = `__dbops_${f.installation}_T${ticket.id}_n_big`;
      await waitUntil(
        async () =>
          (await tablesOf(conn, pair.destination)).includes(staging) &&
          (await count(conn, pair.destination, staging)) > 0,
        60_000,
        'rows in the staging table',
      );
      await f.queue.requestStop(ticket.id, 1, { kind: 'cancel', by: DEV, at: new Date().toISOString() });
      const done = await f.waitFor(ticket.id, ['succeeded', 'failed', 'cancelled'], 60_000);
      assert.equal(done.state, 'cancelled');
      assert.deepEqual(await tablesOf(conn, pair.destination), ['big'], 'the staging table was dropped');
      assert.equal(await count(conn, pair.destination, 'big'), 1, 'the destination table is untouched');
    } finally {
      try {
        await f.close();
      } finally {
        await pair.drop();
      }
    }
  });

  it('the throttle (a test limit of 0 threads running) pauses the copy and says so in the thread; Cancel then drops the schema the job created', async () => {
    const f = await openRunnerFixture();
    const pair = await schemaPair(conn, 'dbops_e2e_throttle');
    try {
      await conn.query(`USE \`${pair.source}\``);
      await conn.query('CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t SELECT seq, seq FROM seq_1_to_5000');
      await conn.query(`DROP DATABASE \`${pair.destination}\``);
      await f.startWorker({ jobs: [migrate] });
      const payload: MigratePayload = {
        source: { cluster: 'test', schema: pair.source },
        destination: { cluster: 'test', schema: pair.destination },
        tables: [],
        where: null,
        mode: 'fail',
        objects: [],
        copy: {
          parallel: 2,
          chunk_rows: 1_000,
          chunk_mb: 16,
          method: 'load-data',
          defer_keys: true,
          throttle: { max_replica_lag_seconds: null, max_threads_running: 0, check_seconds: 0.2 },
        },
      };
      const ticket = await f.ticket({ kind: 'migrate', payload });
      const paused = await f.api.waitFor(
        'chat.postMessage',
        (c) => /copy paused: \d+ threads? (is|are) running on the source \(limit 0\)/.test(String(c.params.text)),
        60_000,
      );
      assert.ok(paused.params.thread_ts, 'said in the ticket thread');
      const staging = `__dbops_${f.installation}_T${ticket.id}_n_t`;
      assert.deepEqual(
        await tablesOf(conn, pair.destination),
        [staging],
        'the schema was created, the staging table is empty',
      );
      assert.equal(await count(conn, pair.destination, staging), 0, 'nothing is copied while paused');
      await f.queue.requestStop(ticket.id, 1, { kind: 'cancel', by: DEV, at: new Date().toISOString() });
      const done = await f.waitFor(ticket.id, ['succeeded', 'failed', 'cancelled'], 60_000);
      assert.equal(done.state, 'cancelled');
      const [left] = await conn.query<RowDataPacket[]>(
        'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [pair.destination],
      );
      assert.equal(left.length, 0, 'the schema the job created is dropped');
    } finally {
      try {
        await f.close();
      } finally {
        await pair.drop();
      }
    }
  });
});
