import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { parseConfig } from '../../../src/config/load.js';
import type { DbopsConfig } from '../../../src/config/schema.js';
import { requireRunbook } from '../../../src/runbooks/catalog.js';
import { parseParams, splitWords } from '../../../src/runbooks/params.js';
import { type RunbookOutcome, runRunbook } from '../../../src/runbooks/run.js';
import { startReplicaSet, type ReplicaSet } from '../../support/replica-set.js';
import { waitUntil } from '../../support/wait.js';

// The runbooks shipped in runbooks/, as dbops.example.yml declares them, against the test MariaDB.
const EXAMPLE = new URL('../../../dbops.example.yml', import.meta.url).pathname;
const config: DbopsConfig = parseConfig(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);
const REPLICA_PORT = 3327;
const root = mkdtempSync(join(tmpdir(), 'dbops-shipped-runbooks-'));
const schema = `dbops_rb_${randomBytes(4).toString('hex')}`;
const user = `rbq_${randomBytes(4).toString('hex')}`;
const admin = mysql.createPool({ host: '127.0.0.1', port: 3306, user: 'root', connectionLimit: 3 });

before(async () => {
  await admin.query(`CREATE DATABASE ${schema}`);
  await admin.query(`CREATE TABLE ${schema}.orders (id INT PRIMARY KEY, customer INT, KEY by_customer (customer))`);
  await admin.query(`INSERT INTO ${schema}.orders VALUES (1, 10), (2, 10), (3, 20)`);
  await admin.query(`CREATE TABLE ${schema}.items (id INT PRIMARY KEY, name VARCHAR(20))`);
  await admin.query(`INSERT INTO ${schema}.items VALUES (1, 'a')`);
  await admin.query(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY 'rbq-pw'`);
});
after(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${schema}`);
  await admin.query(`DROP USER IF EXISTS '${user}'@'127.0.0.1'`);
  await admin.end();
  rmSync(root, { recursive: true, force: true });
});

interface Run {
  outcome: RunbookOutcome;
  lines: string[];
  progress: number[];
}

async function runShipped(name: string, args: string, port = 3306, replicas: string[] = []): Promise<Run> {
  const runbook = requireRunbook(config.runbooks, name);
  const checked = parseParams(runbook, splitWords(args), config.clusters);
  assert.ok(checked.ok, checked.ok ? '' : checked.problems.join('\n'));
  const lines: string[] = [];
  const progress: number[] = [];
  const outcome = await runRunbook({
    runbook,
    params: checked.params,
    connection: { host: '127.0.0.1', port, user: 'root', password: '' },
    replicas,
    ticketRef: 'T-1',
    secretEnv: {},
    secrets: [],
    workDir: mkdtempSync(join(root, 'work-')),
    signal: new AbortController().signal,
    reporter: { line: (_s, text) => lines.push(text), progress: (f) => progress.push(f) },
  });
  return { outcome, lines, progress };
}

describe('shipped runbooks', () => {
  it('analyze-table analyzes the table and shows its indexes before and after', async () => {
    const { outcome, lines, progress } = await runShipped('analyze-table', `local.${schema}.orders`);
    assert.equal(outcome.exitCode, 0, outcome.log);
    assert.ok(lines.includes(`${schema}.orders analyze: status: OK`), outcome.log);
    assert.ok(
      lines.some((l) => /\| by_customer \| customer \|/.test(l)),
      outcome.log,
    );
    assert.equal(progress.at(-1), 1);
  });

  it('analyze-table fails, saying so, on a table that does not exist', async () => {
    const { outcome, lines } = await runShipped('analyze-table', `local.${schema}.nope`);
    assert.equal(outcome.exitCode, 1);
    assert.deepEqual(lines, [`table ${schema}.nope does not exist on local`]);
  });

  it('kill-user-queries kills the user’s long queries, reporting each, and leaves other users’ alone', async () => {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user, password: 'rbq-pw' });
    const other = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    try {
      const [[{ id }]] = await conn.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id');
      const sleeping = conn.query('SELECT SLEEP(60)').then(
        () => 'ended',
        (err: Error) => `error: ${err.message}`,
      );
      const [[{ otherId }]] = await other.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS otherId');
      const otherSleep = other.query('SELECT SLEEP(60)').catch(() => undefined);
      const longEnough = async () => {
        const [rows] = await admin.query<RowDataPacket[]>(
          'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID IN (?, ?) AND TIME >= 1',
          [id, otherId],
        );
        return Number(rows[0].n) === 2;
      };
      await waitUntil(longEnough, 20_000, 'both queries to run for a second');

      const dry = await runShipped('kill-user-queries', `local ${user} older_than=1s dry_run=yes`);
      assert.equal(dry.outcome.exitCode, 0, dry.outcome.log);
      assert.ok(
        dry.lines.some((l) => l.startsWith(`would kill query ${id} of ${user}@127.0.0.1`)),
        dry.outcome.log,
      );

      const { outcome, lines } = await runShipped('kill-user-queries', `local ${user} 1s`);
      assert.equal(outcome.exitCode, 0, outcome.log);
      assert.ok(
        lines.some((l) =>
          new RegExp(
            `^killed query ${id} of ${user}@127\\.0\\.0\\.1:\\d+ \\(db -, running \\d+s\\): SELECT SLEEP\\(60\\)$`,
          ).test(l),
        ),
        outcome.log,
      );
      assert.equal(lines.at(-1), `Killed 1 query(ies) of ${user}; 0 had already ended.`);
      assert.ok(['ended', 'error: Query execution was interrupted'].includes(await sleeping));
      const [alive] = await admin.query<RowDataPacket[]>(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO LIKE 'SELECT SLEEP%'",
        [otherId],
      );
      assert.equal(Number(alive[0].n), 1, 'the other user’s query runs on');
      await admin.query(`KILL QUERY ${Number(otherId)}`);
      await otherSleep;

      const none = await runShipped('kill-user-queries', `local ${user} 1s`);
      assert.equal(none.outcome.exitCode, 0);
      assert.deepEqual(none.lines, [`No query of ${user} has been running for 1s or more on local.`]);
    } finally {
      await conn.end();
      await other.end();
    }
  });

  it('table-checksum without a replica checksums the tables on the primary', async () => {
    const { outcome, lines } = await runShipped('table-checksum', `local.${schema}`);
    assert.equal(outcome.exitCode, 0, outcome.log);
    assert.equal(lines[0], 'local has no replica in dbops.yml: checksums of the primary only.');
    assert.match(lines[1], new RegExp(`^${schema}\\.items: checksum \\d+$`));
    assert.match(lines[2], new RegExp(`^${schema}\\.orders: checksum \\d+$`));
    const one = await runShipped('table-checksum', `local.${schema} tables=orders`);
    assert.deepEqual(one.lines.slice(1), [lines[2]]);
  });

  describe('table-checksum with a replica', () => {
    let set: ReplicaSet | undefined;
    before(async () => {
      set = await startReplicaSet('rb-checksum', REPLICA_PORT);
      await set.sql('primary', `DROP DATABASE IF EXISTS ${schema}`);
      await set.sql('primary', `CREATE DATABASE ${schema}`);
      await set.sql('primary', `CREATE TABLE ${schema}.orders (id INT PRIMARY KEY, customer INT)`);
      await set.sql('primary', `INSERT INTO ${schema}.orders VALUES (1, 10), (2, 10), (3, 20)`);
    });
    after(async () => {
      await set?.sql('primary', `DROP DATABASE IF EXISTS ${schema}`);
      await set?.sql('primary', 'DROP DATABASE IF EXISTS percona');
      await set?.cleanup(); // the pair and its datadirs go: a suite leaves nothing behind
    });

    it('runs pt-table-checksum against the replica: the same data passes, a drifted row fails the run', async () => {
      const replica = `127.0.0.1:${REPLICA_PORT + 1}`;
      const same = await runShipped('table-checksum', `local.${schema}`, REPLICA_PORT, [replica]);
      assert.equal(same.outcome.exitCode, 0, same.outcome.log);
      assert.ok(
        same.lines.some((l) => new RegExp(`\\s0\\s+0\\s+3\\s+0\\s+1\\s+0\\s+[\\d.]+\\s${schema}\\.orders$`).test(l)),
        same.outcome.log,
      );
      assert.equal(
        same.lines.at(-1),
        `Every checksummed table of ${schema} is the same on the primary and its replica.`,
      );

      await waitUntil(
        async () => {
          const tables = await set?.sql('replica', `SHOW TABLES FROM ${schema}`);
          return Array.isArray(tables) && tables.length === 1;
        },
        30_000,
        'the replica to have the table',
      );
      const conn = await mysql.createConnection({ host: '127.0.0.1', port: REPLICA_PORT + 1, user: 'root' });
      try {
        await conn.query('SET SESSION sql_log_bin = 0');
        await conn.query(`UPDATE ${schema}.orders SET customer = 99 WHERE id = 2`);
      } finally {
        await conn.end();
      }
      const drifted = await runShipped('table-checksum', `local.${schema}`, REPLICA_PORT, [replica]);
      assert.equal(drifted.outcome.exitCode, 1, drifted.outcome.log);
      assert.ok(
        drifted.lines.some((l) =>
          new RegExp(`\\s0\\s+1\\s+3\\s+\\d+\\s+1\\s+0\\s+[\\d.]+\\s${schema}\\.orders$`).test(l),
        ),
        drifted.outcome.log,
      );
      assert.equal(
        drifted.lines.at(-1),
        `some tables of ${schema} differ between the primary and a replica (their DIFFS above are not 0)`,
      );
    });
  });
});
