import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { runBackup } from '../../../src/backup/engine.js';
import { BackupError } from '../../../src/backup/errors.js';
import { compareWithManifest } from '../../../src/backup/restore.js';
import { runRestore } from '../../../src/backup/restore-run.js';
import { toolInstalled } from '../../../src/backup/tool-process.js';
import { connect, insertEdgeRows } from '../migrate/support.js';
import { backupFixture } from './support.js';

async function checksums(conn: Connection, schema: string): Promise<Record<string, string>> {
  const [tables] = await conn.query<RowDataPacket[]>(
    "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1",
    [schema],
  );
  const out: Record<string, string> = {};
  for (const { t } of tables) {
    const [rows] = await conn.query<RowDataPacket[]>(`CHECKSUM TABLE \`${schema}\`.\`${t}\``);
    out[String(t)] = String(rows[0].Checksum);
  }
  return out;
}

/** A schema with the migrate suite's edge table and a bigger plain one. */
async function sourceSchema(conn: Connection): Promise<string> {
  const schema = `dbops_bks_${randomBytes(4).toString('hex')}`;
  await conn.query(`CREATE DATABASE \`${schema}\` DEFAULT CHARACTER SET utf8mb4`);
  await insertEdgeRows(conn, schema);
  await conn.query(`CREATE TABLE \`${schema}\`.items (id INT PRIMARY KEY, note VARCHAR(40), t TEXT)`);
  await conn.query(
    `INSERT INTO \`${schema}\`.items SELECT seq, CONCAT('it''s ),( #', seq), REPEAT('x', seq % 50) FROM seq_1_to_2500`,
  );
  return schema;
}

async function rowCounts(conn: Connection, schema: string): Promise<Record<string, number>> {
  const [tables] = await conn.query<RowDataPacket[]>(
    "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1",
    [schema],
  );
  const out: Record<string, number> = {};
  for (const { t } of tables) {
    const [rows] = await conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${schema}\`.\`${t}\``);
    out[String(t)] = Number(rows[0].n);
  }
  return out;
}

const stepper = async <T>(_name: string, _o: unknown, run: () => Promise<T>) => run();

describe('backups on MariaDB', () => {
  let conn: Connection;
  const dropped: string[] = [];
  let mydumper = false;
  before(async () => {
    conn = await connect();
    mydumper = (await toolInstalled('mydumper')) && (await toolInstalled('myloader'));
  });
  after(async () => {
    for (const schema of dropped) await conn.query(`DROP DATABASE IF EXISTS \`${schema}\``);
    await conn.end();
  });

  for (const tool of ['mariadb-dump', 'mydumper'] as const) {
    it(`${tool}: writes a set with its manifest, verifies it by restoring it, and a restore recreates equal CHECKSUM TABLE values`, async (t) => {
      if (tool === 'mydumper' && !mydumper) return t.skip('mydumper is not installed (scripts/ensure-mydumper.sh)');
      const source = await sourceSchema(conn);
      dropped.push(source);
      const fx = await backupFixture({ schemas: [source], tool });
      try {
        const signal = new AbortController().signal;
        const outcome = await runBackup(
          { cluster: 'local', trigger: 'manual', requestedBy: null, attempt: 1, signal },
          fx.deps(),
        );
        const set = outcome.set;
        assert.equal(set.state, 'good');
        assert.equal(set.tool, tool);
        assert.ok(set.manifest);
        const schema = set.manifest.schemas[0];
        assert.equal(schema.name, source);
        const counts = await rowCounts(conn, source);
        assert.deepEqual(Object.fromEntries(schema.tables.map((t) => [t.name, t.rows])), counts);
        const total = Object.values(counts).reduce((a, b) => a + b, 0);
        assert.equal(set.rows, total);
        for (const file of set.manifest.files) assert.match(file.sha256, /^[0-9a-f]{64}$/);
        assert.ok(existsSync(join(set.path, 'manifest.json')));
        assert.equal(outcome.verify?.passed, true, outcome.verify?.detail);
        assert.equal(set.verifyState, 'passed');
        // The throwaway schema is gone.
        const [left] = await conn.query<RowDataPacket[]>("SHOW DATABASES LIKE '\\_\\_dbops\\_v\\_%'");
        assert.equal(left.filter((r) => String(Object.values(r)[0]).includes(fx.installation)).length, 0);
        const expected = await checksums(conn, source);
        // FLOAT values come back rounded to 6 digits from any logical dump: the set says so, and
        // every other table restores with the source's own CHECKSUM TABLE.
        const edge = set.manifest.schemas[0].tables.find((t) => t.name === 'edge');
        assert.deepEqual(edge?.float_columns, ['f']);
        assert.match(outcome.verify?.detail ?? '', /FLOAT columns .*edge\.f/);
        const rounded = new Set(
          set.manifest.schemas[0].tables.filter((t) => t.float_columns.length > 0).map((t) => t.name),
        );
        assert.deepEqual([...rounded], ['edge', 'edge_utf8']);
        const exact = (sums: Record<string, string | null>) =>
          Object.fromEntries(Object.entries(sums).filter(([t]) => !rounded.has(t)));
        assert.deepEqual(
          exact(Object.fromEntries(set.manifest.schemas[0].tables.map((t) => [t.name, t.checksum]))),
          exact(expected),
          'the verification records the source checksums',
        );

        const into = `${source}_r`;
        dropped.push(into);
        // A non-empty destination is replaced: its table goes, the set's come in.
        await conn.query(`CREATE DATABASE \`${into}\``);
        await conn.query(`CREATE TABLE \`${into}\`.stale (id INT PRIMARY KEY)`);
        const milestones: string[] = [];
        const result = await runRestore(set.id, [{ from: source, to: into }], {
          store: fx.store,
          db: fx.pools.jobs.primary('local'),
          threads: 2,
          runId: `${fx.installation}_T1`,
          workDir: () => fx.deps().workDir('restore'),
          signal,
          progress: async () => undefined,
          milestone: async (text) => void milestones.push(text),
          step: stepper,
        });
        assert.deepEqual(result.schemas[0], {
          from: source,
          to: into,
          tables: Object.keys(counts).length,
          rows: total,
          replaced: 1,
          objects: '',
        });
        const restored = await checksums(conn, into);
        assert.deepEqual(exact(restored), exact(expected));
        assert.equal(restored.edge, set.manifest.schemas[0].tables.find((t) => t.name === 'edge')?.checksum);
        assert.equal(milestones.length, 1);
      } finally {
        await fx.close();
      }
    });
  }

  for (const tool of ['mariadb-dump', 'mydumper'] as const) {
    it(`${tool}: a set holds the schema's views, triggers, routines and events; verification and a restore bring them back and compare them`, async (t) => {
      if (tool === 'mydumper' && !mydumper) return t.skip('mydumper is not installed (scripts/ensure-mydumper.sh)');
      const source = `dbops_bko_${randomBytes(4).toString('hex')}`;
      dropped.push(source);
      await conn.query(`CREATE DATABASE \`${source}\``);
      await conn.query(`USE \`${source}\``);
      await conn.query('CREATE TABLE t (id INT PRIMARY KEY, n INT)');
      await conn.query('CREATE TABLE log (id INT AUTO_INCREMENT PRIMARY KEY, tid INT)');
      await conn.query('INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)');
      await conn.query('CREATE VIEW doubled AS SELECT id, n * 2 AS dbl FROM t');
      // A view over a view: it must come after the one it reads, whatever order the names sort in.
      await conn.query('CREATE VIEW a_total AS SELECT SUM(dbl) AS total FROM doubled');
      await conn.query('CREATE TRIGGER t_logged AFTER INSERT ON t FOR EACH ROW INSERT INTO log (tid) VALUES (NEW.id)');
      // A body with a row-like INSERT: it is not counted as rows of `log`.
      await conn.query('CREATE PROCEDURE add_row(i INT)\nBEGIN\nINSERT INTO `log` VALUES (1000 + i, i);\nEND');
      await conn.query('CREATE FUNCTION plus_one(x INT) RETURNS INT DETERMINISTIC RETURN x + 1');
      await conn.query('CREATE EVENT tidy ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM log');
      const fx = await backupFixture({ schemas: [source], tool });
      try {
        const signal = new AbortController().signal;
        const outcome = await runBackup(
          { cluster: 'local', trigger: 'manual', requestedBy: null, attempt: 1, signal },
          fx.deps(),
        );
        const schema = outcome.set.manifest?.schemas[0];
        assert.ok(schema);
        assert.deepEqual(
          { views: schema.views, triggers: schema.triggers, routines: schema.routines, events: schema.events },
          {
            views: ['a_total', 'doubled'],
            triggers: ['t_logged'],
            routines: ['FUNCTION plus_one', 'PROCEDURE add_row'],
            events: ['tidy'],
          },
        );
        assert.deepEqual(Object.fromEntries(schema.tables.map((x) => [x.name, x.rows])), { log: 0, t: 3 });
        assert.equal(outcome.verify?.passed, true, outcome.verify?.detail);
        assert.match(outcome.verify?.detail ?? '', /2 views, 1 trigger, 2 routines, 1 event/);

        // The verification compares them: a schema without what the manifest lists fails it, named.
        const compared = await compareWithManifest(fx.pools.jobs.primary('local'), source, {
          ...schema,
          views: [...schema.views, 'gone_view'],
          routines: schema.routines.filter((r) => r !== 'FUNCTION plus_one'),
        });
        assert.deepEqual(compared.problems, [
          'missing view gone_view',
          'routine not in the manifest: FUNCTION plus_one',
        ]);
        // A restore checksums only the tables the manifest has a checksum for, and a checksum or a
        // count that differs is named, whichever of the parallel scans finds it.
        const t = schema.tables.find((x) => x.name === 't');
        assert.ok(t?.checksum, 'the verification recorded a checksum of t');
        const recorded = await compareWithManifest(
          fx.pools.jobs.primary('local'),
          source,
          {
            ...schema,
            tables: schema.tables.map((x) =>
              x.name === 't' ? { ...x, checksum: '12345' } : { ...x, rows: x.rows + 1, checksum: null },
            ),
          },
          { checksums: 'recorded', threads: 3 },
        );
        assert.deepEqual(recorded.problems, [
          'log: 0 rows, the manifest says 1',
          `t: CHECKSUM TABLE ${t.checksum}, the manifest says 12345`,
        ]);
        assert.deepEqual(
          recorded.tables.map((x) => [x.name, x.rows, x.checksum]),
          [
            ['log', 0, null],
            ['t', 3, t.checksum],
          ],
        );

        // A destination with its own view and a trigger on a table of the same name as the set's.
        const into = `${source}_r`;
        dropped.push(into);
        await conn.query(`CREATE DATABASE \`${into}\``);
        await conn.query(`USE \`${into}\``);
        await conn.query('CREATE TABLE t (id INT PRIMARY KEY)');
        await conn.query('CREATE TABLE audit (id INT)');
        await conn.query('CREATE TRIGGER old_trigger AFTER INSERT ON t FOR EACH ROW INSERT INTO audit VALUES (NEW.id)');
        await conn.query('CREATE VIEW old_view AS SELECT id FROM t');
        await conn.query('CREATE PROCEDURE old_proc() SELECT 1');
        const milestones: string[] = [];
        const result = await runRestore(outcome.set.id, [{ from: source, to: into }], {
          store: fx.store,
          db: fx.pools.jobs.primary('local'),
          threads: 2,
          runId: `${fx.installation}_T9`,
          workDir: () => fx.deps().workDir('restore'),
          signal,
          progress: async () => undefined,
          milestone: async (text) => void milestones.push(text),
          step: stepper,
        });
        assert.equal(result.schemas[0].objects, '2 views, 1 trigger, 2 routines, 1 event');
        assert.match(milestones[0] ?? '', /2 views, 1 trigger, 2 routines, 1 event/);
        const names = async (sql: string) =>
          (await conn.query<RowDataPacket[]>(sql, [into]))[0].map((r) => String(r.name)).sort();
        assert.deepEqual(
          await names(
            "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'VIEW'",
          ),
          ['a_total', 'doubled'],
        );
        assert.deepEqual(
          await names('SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?'),
          ['t_logged'],
        );
        assert.deepEqual(
          await names(
            "SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_NAME) AS name FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?",
          ),
          ['FUNCTION plus_one', 'PROCEDURE add_row'],
        );
        assert.deepEqual(
          await names('SELECT EVENT_NAME AS name FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?'),
          ['tidy'],
        );
        // They work on the restored tables, not the staging schema's or the source's.
        await conn.query(`USE \`${into}\``);
        await conn.query('INSERT INTO t VALUES (4, 40)');
        await conn.query('CALL add_row(7)');
        const [logged] = await conn.query<RowDataPacket[]>('SELECT tid FROM log ORDER BY id');
        assert.deepEqual(
          logged.map((r) => Number(r.tid)),
          [4, 7],
        );
        const [total] = await conn.query<RowDataPacket[]>('SELECT total, plus_one(total) AS next FROM a_total');
        assert.deepEqual([Number(total[0].total), Number(total[0].next)], [200, 201]);
        const [sourceLog] = await conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${source}\`.log`);
        assert.equal(Number(sourceLog[0].n), 0);
      } finally {
        await fx.close();
      }
    });
  }

  it('refuses to restore a set whose file fails its checksum, naming the file', async () => {
    const source = await sourceSchema(conn);
    dropped.push(source);
    const fx = await backupFixture({ schemas: [source], tool: 'mariadb-dump' });
    try {
      const signal = new AbortController().signal;
      const { set } = await runBackup(
        { cluster: 'local', trigger: 'manual', requestedBy: null, attempt: 1, signal },
        fx.deps(),
      );
      const file = set.manifest?.files.find((f) => f.schema === source);
      assert.ok(file);
      await appendFile(join(set.path, file.name), 'x');
      const into = `${source}_x`;
      await assert.rejects(
        runRestore(set.id, [{ from: source, to: into }], {
          store: fx.store,
          db: fx.pools.jobs.primary('local'),
          threads: 1,
          runId: `${fx.installation}_T2`,
          workDir: () => fx.deps().workDir('restore'),
          signal,
          progress: async () => undefined,
          milestone: async () => undefined,
          step: stepper,
        }),
        (err: unknown) =>
          err instanceof BackupError &&
          !err.retryable &&
          err.message.includes(file.name) &&
          /checksum/.test(err.message),
      );
      const [exists] = await conn.query<RowDataPacket[]>('SHOW DATABASES LIKE ?', [into]);
      assert.equal(exists.length, 0, 'nothing was restored');
    } finally {
      await fx.close();
    }
  });

  it('a full disk fails the run with the reason and removes the partial set', async () => {
    const source = await sourceSchema(conn);
    dropped.push(source);
    const fx = await backupFixture({ schemas: [source], tool: 'mariadb-dump' });
    try {
      const signal = new AbortController().signal;
      await assert.rejects(
        runBackup(
          { cluster: 'local', trigger: 'schedule', requestedBy: null, attempt: 1, signal },
          // /dev/full answers every write with ENOSPC, as a full disk does.
          fx.deps({ createFile: () => createWriteStream('/dev/full') }),
        ),
        (err: unknown) =>
          err instanceof BackupError && /disk under backups.dir is full/.test(err.message) && !err.retryable,
      );
      const [set] = await fx.store.list('local', 1);
      assert.equal(set.state, 'failed');
      assert.match(set.error ?? '', /full/);
      assert.equal(existsSync(set.path), false);
    } finally {
      await fx.close();
    }
  });

  it('keeps `keep` good sets and removes older ones; the password is in no process argument, file name or log', async () => {
    const source = await sourceSchema(conn);
    dropped.push(source);
    const user = `dbops_bk_${randomBytes(3).toString('hex')}`;
    const password = `pw-${randomBytes(12).toString('hex')}`;
    await conn.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
    await conn.query(`CREATE USER ?@'localhost' IDENTIFIED BY ?`, [user, password]);
    for (const host of ['%', 'localhost']) {
      await conn.query(`GRANT SELECT, SHOW VIEW, LOCK TABLES, TRIGGER, EVENT ON \`${source}\`.* TO ?@?`, [user, host]);
      await conn.query('GRANT PROCESS, RELOAD ON *.* TO ?@?', [user, host]);
      await conn.query('GRANT ALL ON `\\_\\_dbops\\_%`.* TO ?@?', [user, host]);
    }
    const lines: string[] = [];
    const logger = recordingLogger(lines);
    const fx = await backupFixture({
      schemas: [source],
      tool: 'mariadb-dump',
      user: { name: user, password },
      keep: 1,
      logger,
    });
    const seen: string[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        for (const pid of await readdir('/proc').catch(() => [])) {
          if (!/^\d+$/.test(pid)) continue;
          const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
          if (cmdline.includes('mariadb')) seen.push(cmdline);
          if (cmdline.includes(password)) seen.push(`PASSWORD IN ${pid}: ${cmdline}`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    try {
      const signal = new AbortController().signal;
      const first = await runBackup(
        { cluster: 'local', trigger: 'manual', requestedBy: null, attempt: 1, signal },
        fx.deps(),
      );
      const second = await runBackup(
        { cluster: 'local', trigger: 'manual', requestedBy: null, attempt: 1, signal },
        fx.deps(),
      );
      assert.deepEqual(second.removed, [first.set.ref]);
      assert.equal((await fx.store.get(first.set.id))?.state, 'removed');
      assert.equal(existsSync(first.set.path), false);
      assert.equal(second.verify?.passed, true, second.verify?.detail);
    } finally {
      watching = false;
      await watch;
      await conn.query('DROP USER IF EXISTS ?@?', [user, '%']);
      await conn.query('DROP USER IF EXISTS ?@?', [user, 'localhost']);
      await fx.close();
    }
    assert.equal(seen.filter((s) => s.startsWith('PASSWORD')).length, 0, seen.join('\n'));
    // Whether the watcher caught a tool running depends on timing; what it caught took an option file.
    for (const cmdline of seen.filter((s) => s.startsWith('mariadb-dump'))) assert.match(cmdline, /--defaults-file=/);
    assert.ok(lines.length > 0);
    assert.equal(lines.filter((l) => l.includes(password)).length, 0);
  });
});

function recordingLogger(lines: string[]) {
  const log =
    (level: string) =>
    (...args: unknown[]) =>
      void lines.push(`${level} ${JSON.stringify(args, replacer)}`);
  const logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    setLevel: () => undefined,
    getLevel: () => 'debug',
    setName: () => undefined,
    child: () => logger,
  };
  return logger as never;
}

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { message: value.message, stack: value.stack } : value;
}
