import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import mysql, { type Connection, type Pool, type RowDataPacket } from 'mysql2/promise';
import { parseConfig } from '../../../src/config/load.js';
import { migrateMeta, openMetaStore } from '../../../src/db/meta.js';
import { ClusterPools } from '../../../src/db/pools.js';
import { statementHash } from '../../../src/diagnose/kill.js';
import { createDiagnostics, type Diagnostics } from '../../../src/diagnose/service.js';
import type { KillRequest, TopSnapshot } from '../../../src/diagnose/types.js';
import { DbopsError } from '../../../src/kernel/errors.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { dropDatabase } from '../../support/harness.js';
import { waitUntil } from '../../support/wait.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

const threadOf = async (conn: Connection) =>
  Number(((await conn.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id'))[0][0] as { id: number }).id);

describe('top: what runs now, who blocks whom, and Kill (real MariaDB)', () => {
  const suffix = randomBytes(4).toString('hex');
  const schema = `dbops_dg_${suffix}`;
  const metaDb = `dbops_dgm_${suffix}`;
  const lowUser = `dbops_dg_${suffix}`;
  const opened: Connection[] = [];
  let meta: Pool;
  let pools: ClusterPools;
  let diagnostics: Diagnostics;
  const connect = async () => {
    const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: schema });
    opened.push(conn);
    return conn;
  };
  const killOf = (
    snap: TopSnapshot,
    threadId: number,
    kind: KillRequest['kind'],
    actor = 'U0DBA00001',
  ): KillRequest => {
    const session = [...snap.sessions, ...snap.blockers].find((s) => s.id === threadId);
    assert.ok(session, `thread ${threadId} is in the snapshot`);
    return {
      cluster: 'local',
      instance: snap.instance,
      threadId,
      kind,
      snapshot: snap.takenAt.getTime(),
      user: session.user,
      statementHash: kind === 'query' ? statementHash(session.statement) : null,
      actor,
    };
  };

  before(async () => {
    const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    await admin.query(`CREATE DATABASE \`${schema}\``);
    await admin.query(`CREATE TABLE \`${schema}\`.t (id INT PRIMARY KEY, v INT NOT NULL)`);
    await admin.query(`INSERT INTO \`${schema}\`.t VALUES (1, 0), (2, 0), (3, 0)`);
    await admin.query(`CREATE USER '${lowUser}'@'%' IDENTIFIED BY 'pw-${suffix}'`);
    await admin.query(`GRANT SELECT ON \`${schema}\`.* TO '${lowUser}'@'%'`);
    await admin.end();
    meta = await openMetaStore(`mysql://root@127.0.0.1:3306/${metaDb}`);
    await migrateMeta(meta);
    const config = parseConfig(`
slack: { approval_channel: C0APPROVE, alert_channel: C0ALERTS }
clusters:
  local: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: root }
  lowly: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: ${lowUser}, password_env: DG_PW }
  gone: { env: test, primary: { host: 127.0.0.1, port: ${await closedPort()} }, user: root }
`);
    pools = new ClusterPools(config.clusters, { secrets: { DG_PW: `pw-${suffix}` } });
    diagnostics = createDiagnostics({ pools, meta, config, clock: { now: () => new Date() }, logger: silentLogger() });
  });
  after(async () => {
    await Promise.allSettled(opened.map((c) => c.end()));
    await pools.closeAll();
    await meta.end();
    await dropDatabase(metaDb);
    await dropDatabase(schema);
    const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    await admin.query(`DROP USER IF EXISTS '${lowUser}'@'%'`);
    await admin.end();
  });

  it('names the blocker of a waiting UPDATE; a Kill of its connection lets the waiter proceed, once', async () => {
    const blocker = await connect();
    const waiter = await connect();
    const blockerId = await threadOf(blocker);
    const waiterId = await threadOf(waiter);
    await blocker.query('BEGIN');
    await blocker.query('UPDATE t SET v = 1 WHERE id = 1');
    await waiter.query('SET SESSION innodb_lock_wait_timeout = 120');
    const waiting = waiter.query('UPDATE t SET v = 2 WHERE id = 1');

    let snap: TopSnapshot | undefined;
    await waitUntil(
      async () => {
        snap = await diagnostics.top('local');
        return snap.waits.some((w) => w.waitingThread === waiterId);
      },
      10_000,
      'the lock wait to show',
    );
    assert.ok(snap);
    const wait = snap.waits.find((w) => w.waitingThread === waiterId);
    assert.equal(wait?.kind, 'row');
    assert.equal(wait?.blockingThread, blockerId);
    assert.match(wait?.object ?? '', /`t`/);
    assert.match(wait?.waitingStatement ?? '', /UPDATE t SET v = 2/);
    assert.ok(
      snap.blockers.some((s) => s.id === blockerId && s.command === 'Sleep'),
      'the idle blocker is named',
    );
    assert.ok(snap.transactions.some((t) => t.threadId === blockerId && t.statement === null));
    assert.ok(
      snap.sessions.some((s) => s.id === waiterId),
      'the waiter runs',
    );

    const request = killOf(snap, blockerId, 'connection');
    const [first, second] = await Promise.all([diagnostics.kill(request), diagnostics.kill(request)]);
    const outcomes = [first.kind, second.kind].sort();
    assert.deepEqual(outcomes, ['duplicate', 'killed'], 'two clicks at once kill once');
    await waiting; // the waiter gets its lock
    const [rows] = await meta.query<RowDataPacket[]>(
      'SELECT actor, instance, thread_id, kind, outcome, target_user FROM kill_log WHERE thread_id = ?',
      [blockerId],
    );
    assert.deepEqual(
      rows.map((r) => ({ ...r })),
      [
        {
          actor: 'U0DBA00001',
          instance: '127.0.0.1:3306',
          thread_id: String(blockerId),
          kind: 'connection',
          outcome: 'killed',
          target_user: 'root',
        },
      ],
    );
    await assert.rejects(blocker.query('SELECT 1'), 'the blocker connection is gone');
  });

  it('lists a long query with its statement; Kill query stops it and the session stays', async () => {
    const sleeper = await connect();
    const id = await threadOf(sleeper);
    const running = sleeper.query("SELECT SLEEP(60) AS slept, 'dg-long' AS tag").then(
      ([rows]) => rows,
      (err: unknown) => err,
    );
    let snap: TopSnapshot | undefined;
    await waitUntil(
      async () => {
        snap = await diagnostics.top('local');
        return snap.sessions.some((s) => s.id === id && (s.statement ?? '').includes('SLEEP'));
      },
      10_000,
      'the long query to show',
    );
    assert.ok(snap);
    const session = snap.sessions.find((s) => s.id === id);
    assert.equal(session?.user, 'root');
    assert.equal(session?.schema, schema);
    assert.ok(snap.byUser.some((c) => c.key === 'root' && c.count >= 1));
    const outcome = await diagnostics.kill(killOf(snap, id, 'query'));
    assert.equal(outcome.kind, 'killed');
    await running;
    const [[alive]] = await sleeper.query<RowDataPacket[]>('SELECT 1 AS alive');
    assert.equal(alive.alive, 1, 'KILL QUERY leaves the session');
  });

  it('says so when the thread has ended, or runs another statement now', async () => {
    const gone = await connect();
    const id = await threadOf(gone);
    const running = gone.query("SELECT SLEEP(60), 'dg-ended'").catch((e: unknown) => e);
    let snap: TopSnapshot | undefined;
    await waitUntil(
      async () => {
        snap = await diagnostics.top('local');
        return snap.sessions.some((s) => s.id === id);
      },
      10_000,
      'the query to show',
    );
    assert.ok(snap);
    const request = killOf(snap, id, 'query');
    const stale = await diagnostics.kill({ ...request, statementHash: 'aaaaaaaaaaaa', snapshot: request.snapshot + 1 });
    assert.equal(stale.kind, 'ended');
    assert.match(stale.kind === 'ended' ? stale.reason : '', /runs another one now/);
    gone.destroy();
    await running;
    await waitUntil(
      async () => !(await diagnostics.top('local')).sessions.some((s) => s.id === id),
      10_000,
      'the thread to end',
    );
    const outcome = await diagnostics.kill({
      ...request,
      kind: 'connection',
      statementHash: null,
      snapshot: request.snapshot + 2,
    });
    assert.deepEqual(outcome, { kind: 'ended', reason: `thread ${id} has already ended: nothing was killed.` });
  });

  it('shows a session waiting for a metadata lock, and says what names its holder', async () => {
    const reader = await connect();
    const alter = await connect();
    const alterId = await threadOf(alter);
    const readerId = await threadOf(reader);
    await reader.query('BEGIN');
    await reader.query('SELECT * FROM t WHERE id = 2');
    await alter.query('SET SESSION lock_wait_timeout = 120');
    const altering = alter.query('ALTER TABLE t ADD COLUMN extra INT NULL');
    let snap: TopSnapshot | undefined;
    await waitUntil(
      async () => {
        snap = await diagnostics.top('local');
        return snap.waits.some((w) => w.waitingThread === alterId);
      },
      10_000,
      'the ALTER to wait for the metadata lock',
    );
    assert.ok(snap);
    const wait = snap.waits.find((w) => w.waitingThread === alterId);
    assert.equal(wait?.kind, 'metadata');
    assert.match(wait?.waitingStatement ?? '', /ALTER TABLE t ADD COLUMN/);
    // Without the metadata_lock_info plugin (this server) the holder is not named, and the answer says what would.
    if (wait?.blockingThread === null) assert.match(snap.notes.join(' '), /INSTALL SONAME 'metadata_lock_info'/);
    else assert.equal(wait?.blockingThread, readerId);
    await reader.query('ROLLBACK');
    await altering;
  });

  it('names the missing grant, and says when the cluster is down', async () => {
    await assert.rejects(diagnostics.top('lowly'), (err: unknown) => {
      assert.ok(err instanceof DbopsError);
      assert.equal(err.code, 'forbidden');
      assert.match(err.message, /GRANT PROCESS/);
      return true;
    });
    await assert.rejects(diagnostics.top('gone'), (err: unknown) => {
      assert.ok(err instanceof DbopsError);
      assert.equal(err.code, 'unavailable');
      assert.match(err.message, /does not answer/);
      assert.doesNotMatch(err.message, /\n\s+at /);
      return true;
    });
  });
});
