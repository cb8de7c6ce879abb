import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { runBackup } from '../../../src/backup/engine.js';
import { BackupError } from '../../../src/backup/errors.js';
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
        assert.match(outcome.verify?.detail ?? '', /FLOAT column\(s\) .*edge\.f/);
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
