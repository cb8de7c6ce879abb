import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { writeDefaultsFile } from '../../../src/backup/defaults-file.js';
import { dumpPieces } from '../../../src/backup/dump-sections.js';
import { runBackup } from '../../../src/backup/engine.js';
import { BackupError } from '../../../src/backup/errors.js';
import { compareWithManifest, restoreSchema, type SetOnDisk } from '../../../src/backup/restore.js';
import type { BackupSet } from '../../../src/backup/store.js';
import { connect } from '../migrate/support.js';
import { type BackupFixture, backupFixture } from './support.js';

/** Several tables (one with a foreign key, one numbered by a sequence, odd names), views, a trigger, routines, an event. */
async function objectSchema(conn: Connection): Promise<string> {
  const schema = `dbops_bkp_${randomBytes(4).toString('hex')}`;
  await conn.query(`CREATE DATABASE \`${schema}\` DEFAULT CHARACTER SET utf8mb4`);
  await conn.query(`USE \`${schema}\``);
  await conn.query('CREATE TABLE t (id INT PRIMARY KEY, n INT)');
  await conn.query('INSERT INTO t SELECT seq, seq * 10 FROM seq_1_to_3000');
  await conn.query('CREATE TABLE kids (id INT PRIMARY KEY, tid INT, FOREIGN KEY (tid) REFERENCES t (id))');
  await conn.query('INSERT INTO kids SELECT seq, seq FROM seq_1_to_2000');
  await conn.query('CREATE TABLE log (id INT AUTO_INCREMENT PRIMARY KEY, tid INT)');
  // ~2.5 MB of rows: several INSERT statements (mariadb-dump ends one at ~1 MB), spread over the clients.
  await conn.query('CREATE TABLE wide (id INT PRIMARY KEY, pad VARCHAR(200))');
  await conn.query("INSERT INTO wide SELECT seq, CONCAT(REPEAT('w', 110), seq, ');') FROM seq_1_to_20000");
  await conn.query('CREATE SEQUENCE ids');
  await conn.query('SELECT NEXTVAL(ids) FROM seq_1_to_5');
  // (A DEFAULT NEXTVAL(ids) column does not restore from mariadb-dump even with one client: its
  // INSERTs run under LOCK TABLES that leave the sequence out.)
  await conn.query('CREATE TABLE numbered (id INT PRIMARY KEY, v VARCHAR(20))');
  await conn.query("INSERT INTO numbered SELECT seq, CONCAT('-- v', seq) FROM seq_1_to_50");
  await conn.query('CREATE TABLE `we;ird``s` (id INT, note TEXT)');
  await conn.query("INSERT INTO `we;ird``s` VALUES (1, 'a),(b;\\n-- Table structure for table `x`')");
  await conn.query('CREATE VIEW doubled AS SELECT id, n * 2 AS dbl FROM t');
  await conn.query('CREATE VIEW a_total AS SELECT SUM(dbl) AS total FROM doubled');
  await conn.query('CREATE TRIGGER t_logged AFTER INSERT ON t FOR EACH ROW INSERT INTO log (tid) VALUES (NEW.id)');
  await conn.query(
    'CREATE PROCEDURE add_row(i INT)\nBEGIN\n-- Table structure for table `fake`\nINSERT INTO `log` VALUES (1000 + i, i);\nEND',
  );
  await conn.query('CREATE FUNCTION plus_one(x INT) RETURNS INT DETERMINISTIC RETURN x + 1');
  await conn.query('CREATE EVENT tidy ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM log');
  return schema;
}

describe('restoring a mariadb-dump set with several mariadb clients', () => {
  let conn: Connection;
  let fx: BackupFixture;
  let source: string;
  let set: BackupSet;
  let defaultsFile: string;
  const dropped: string[] = [];
  before(async () => {
    conn = await connect();
    source = await objectSchema(conn);
    dropped.push(source);
    fx = await backupFixture({ schemas: [source], tool: 'mariadb-dump' });
    const outcome = await runBackup(
      { cluster: 'local', trigger: 'manual', requestedBy: null, attempt: 1, signal: new AbortController().signal },
      fx.deps(),
    );
    set = outcome.set;
    // The fixture's verification restores with backups.threads = 2 too.
    assert.equal(outcome.verify?.passed, true, outcome.verify?.detail);
    defaultsFile = await writeDefaultsFile(await fx.deps().workDir('restore'), 'client', {
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      password: '',
    });
  });
  after(async () => {
    for (const schema of dropped) await conn.query(`DROP DATABASE IF EXISTS \`${schema}\``);
    await fx?.close();
    await conn.end();
  });

  const onDisk = (path = set.path): SetOnDisk => {
    assert.ok(set.manifest);
    return { ref: set.ref, path, tool: set.tool, manifest: set.manifest };
  };
  const restore = (into: string, path?: string, threads = 2, signal = new AbortController().signal) => {
    dropped.push(into);
    const disk = onDisk(path);
    return restoreSchema({
      set: disk,
      schema: disk.manifest.schemas[0],
      into,
      db: fx.pools.jobs.primary('local'),
      defaultsFile,
      threads,
      binlog: false,
      signal,
    });
  };
  const dumpFile = () => join(set.path, `${source}.sql.gz`);

  it("splits the dump into header, definitions, INSERT statements, what follows each table's rows (its triggers), and the tail, markers in a body or a value not counted", async () => {
    const sections: Array<[string, string | null]> = [];
    const rowStatements = new Map<string, Set<number>>();
    let text = '';
    for await (const piece of dumpPieces(dumpFile())) {
      const last = sections.at(-1);
      if (!last || last[0] !== piece.kind || last[1] !== piece.table) sections.push([piece.kind, piece.table]);
      if (piece.kind === 'rows' && piece.table)
        rowStatements.set(piece.table, (rowStatements.get(piece.table) ?? new Set()).add(piece.section));
      text += piece.data.toString('utf8');
    }
    assert.equal(text, gunzipSync(await readFile(dumpFile())).toString('utf8'), 'the pieces are the file, in order');
    const withRows = (name: string): Array<[string, string | null]> => [
      ['definition', name],
      ['table', name],
      ['rows', name],
      ['table', name],
    ];
    assert.deepEqual(sections, [
      ['header', null],
      ['definition', 'ids'],
      ['definition', 'a_total'],
      ['definition', 'doubled'],
      ...withRows('kids'),
      ['definition', 'log'],
      ['table', 'log'],
      ...withRows('numbered'),
      ...withRows('t'),
      ...withRows('we;ird`s'),
      ...withRows('wide'),
      ['tail', null],
    ]);
    assert.equal(rowStatements.get('t')?.size, 1);
    assert.ok((rowStatements.get('wide')?.size ?? 0) >= 2, 'a big table is several INSERT statements');
    const trigger = [];
    for await (const piece of dumpPieces(dumpFile()))
      if (piece.data.includes('TRIGGER t_logged')) trigger.push([piece.kind, piece.table]);
    assert.deepEqual(trigger, [['table', 't']], "the trigger comes in t's section after its rows");
  });

  for (const threads of [2, 1])
    it(`loads tables, sequence, views, trigger, routines and event with ${threads} client${threads > 1 ? 's' : ''}, equal to the manifest`, async () => {
      const into = `${source}_p${threads}`;
      await restore(into, undefined, threads);
      const manifest = onDisk().manifest;
      const compared = await compareWithManifest(fx.pools.jobs.primary('local'), into, manifest.schemas[0], {
        checksums: 'all',
        threads: 2,
      });
      assert.deepEqual(compared.problems, []);
      assert.deepEqual(
        compared.tables.map((t) => [t.name, t.rows, t.checksum]),
        manifest.schemas[0].tables.map((t) => [t.name, t.rows, t.checksum]),
        "the verification's recorded checksums",
      );
      await conn.query(`USE \`${into}\``);
      await conn.query('INSERT INTO t VALUES (5000, 1)');
      await conn.query('CALL add_row(7)');
      const [logged] = await conn.query<RowDataPacket[]>('SELECT tid FROM log ORDER BY id');
      assert.deepEqual(
        logged.map((r) => Number(r.tid)),
        [5000, 7],
      );
      const [total] = await conn.query<RowDataPacket[]>('SELECT plus_one(total) AS next FROM a_total');
      assert.equal(Number(total[0].next), 20 * ((3000 * 3001) / 2) + 2 + 1);
      const [next] = await conn.query<RowDataPacket[]>('SELECT NEXTVAL(ids) AS id');
      assert.ok(Number(next[0].id) > 5, 'the sequence came back past the values it gave out');
    });

  it('a client that fails fails the restore naming its table, stops the others, and runs no tail', async () => {
    // A second row with t's first id, at the end of t's rows: a duplicate key on whichever client loads t.
    const broken = join(fx.dir, 'broken');
    await (await import('node:fs/promises')).mkdir(broken);
    const text = gunzipSync(await readFile(dumpFile())).toString('utf8');
    const marker = '-- Dumping data for table `t`';
    const at = text.indexOf('UNLOCK TABLES;', text.indexOf(marker));
    assert.ok(at > 0);
    await writeFile(
      join(broken, `${source}.sql.gz`),
      gzipSync(`${text.slice(0, at)}INSERT INTO \`t\` VALUES (1,1);\n${text.slice(at)}`),
    );
    const into = `${source}_f`;
    await assert.rejects(
      restore(into, broken),
      (err: unknown) =>
        err instanceof BackupError &&
        err.message.includes('table `t` did not load') &&
        err.message.includes('Duplicate entry') &&
        err.message.includes(set.ref),
    );
    assert.deepEqual(await clientsOf(defaultsFile), [], 'no mariadb client of the restore is left running');
    const [routines] = await conn.query<RowDataPacket[]>(
      'SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?',
      [into],
    );
    assert.equal(routines.length, 0, 'the tail did not run after a failed table');
  });

  it('a cancelled load rejects, whether or not its clients had started, and leaves none running', async () => {
    for (const wait of [0, 30]) {
      const cancel = new AbortController();
      if (wait === 0) cancel.abort();
      else setTimeout(() => cancel.abort(), wait);
      await assert.rejects(restore(`${source}_c${wait}`, undefined, 2, cancel.signal), /stopped/);
      assert.deepEqual(await clientsOf(defaultsFile), []);
    }
  });
});

/** The command lines of the processes that were given `defaultsFile`. */
async function clientsOf(defaultsFile: string): Promise<string[]> {
  const clients: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(defaultsFile)) clients.push(cmdline);
  }
  return clients;
}
