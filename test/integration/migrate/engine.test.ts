import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { runMigration } from '../../../src/migrate/engine.js';
import { MigrateError } from '../../../src/migrate/errors.js';
import { planMigration } from '../../../src/migrate/plan.js';
import {
  assertSameTable,
  connect,
  count,
  insertEdgeRows,
  localDeps,
  schemaPair,
  spec,
  tablesOf,
  TEST_SETTINGS,
} from './support.js';

describe('migrate engine on MariaDB', () => {
  let conn: Connection;
  before(async () => {
    conn = await connect();
  });
  after(async () => {
    await conn.end();
  });

  for (const method of ['load-data', 'insert'] as const) {
    it(`copies every edge value exactly and verifies it (${method})`, async () => {
      const pair = await schemaPair(conn);
      try {
        await insertEdgeRows(conn, pair.source);
        const done: string[] = [];
        const result = await runMigration(
          spec(pair.source, pair.destination),
          'Tedge',
          { ...TEST_SETTINGS, method },
          localDeps({ onTableDone: (t) => done.push(t.name) }),
        );
        assert.equal(result.method, method);
        assert.equal(result.rows, 120);
        assert.deepEqual([...done].sort(), ['edge', 'edge_utf8']);
        assert.ok(result.tables[0].chunks >= 8, `cut into chunks (${result.tables[0].chunks})`);
        await assertSameTable(conn, pair.source, pair.destination, 'edge');
        await assertSameTable(conn, pair.source, pair.destination, 'edge_utf8');
        // Spot checks in the client's own terms, beyond the row comparison.
        const [rows] = await conn.query<RowDataPacket[]>(
          `SELECT id, big, sbig, dec65, HEX(bl) AS bl, emoji, HEX(b64) AS b64, CAST(f AS DOUBLE) AS f, d, s IS NULL AS s_null, s, gen, gens FROM \`${pair.destination}\`.edge WHERE id <= 4 ORDER BY id`,
        );
        assert.equal(rows[0].big, '18446744073709551615');
        assert.equal(rows[0].sbig, '-9223372036854775808');
        assert.equal(rows[0].dec65, '12345678901234567890123456789012345.123456789012345678901234567890');
        assert.equal(rows[0].bl, '00010203005C090A0D00');
        assert.equal(rows[0].emoji, '😀🎉');
        assert.equal(rows[0].b64, 'FFFFFFFFFFFFFFFF');
        assert.equal(Number(rows[0].f), 3.4028234663852886e38);
        assert.equal(rows[0].d, '0000-00-00');
        assert.equal(rows[0].s_null, 1);
        assert.equal(rows[1].big, '9007199254740993');
        assert.equal(rows[1].s, '');
        assert.equal(rows[2].s, 'NULL');
        assert.equal(rows[3].s, '\\N');
        assert.equal(rows[3].gen, 8);
        assert.equal(rows[3].gens, '\\N!');
        assert.deepEqual(await tablesOf(conn, pair.destination), ['edge', 'edge_utf8'], 'no staging table left');
      } finally {
        await pair.drop();
      }
    });
  }

  it('copies tables and columns whose names need quoting (backticks, spaces, non-ASCII), with both methods', async () => {
    const pair = await schemaPair(conn);
    try {
      await conn.query(
        `CREATE TABLE \`${pair.source}\`.\`we\`\`ird tbl\` (\`i d\` INT PRIMARY KEY, \`c\`\`1\` VARCHAR(10), \`ключ\` VARCHAR(5) NOT NULL, UNIQUE KEY \`u k\` (\`ключ\`))`,
      );
      await conn.query(
        `INSERT INTO \`${pair.source}\`.\`we\`\`ird tbl\` VALUES (1, 'a', 'x'), (2, 'b', 'y'), (3, NULL, 'é')`,
      );
      for (const method of ['load-data', 'insert'] as const) {
        await runMigration(
          spec(pair.source, pair.destination),
          'Tnames',
          { ...TEST_SETTINGS, chunkRows: 1, method },
          localDeps(),
        );
        await assertSameTable(conn, pair.source, pair.destination, 'we`ird tbl');
      }
    } finally {
      await pair.drop();
    }
  });

  it('copies only the named tables, and only the rows the where selects', async () => {
    const pair = await schemaPair(conn);
    try {
      await conn.query(`USE \`${pair.source}\``);
      await conn.query(
        'CREATE TABLE a (id INT PRIMARY KEY, v INT NOT NULL, KEY v (v)); CREATE TABLE b (id INT PRIMARY KEY, v INT NOT NULL); CREATE TABLE c (id INT PRIMARY KEY)',
      );
      await conn.query(
        'INSERT INTO a SELECT seq, seq % 5 FROM seq_1_to_100; INSERT INTO b SELECT seq, seq % 3 FROM seq_1_to_50; INSERT INTO c VALUES (1)',
      );
      const result = await runMigration(
        spec(pair.source, pair.destination, { tables: ['a', 'b'], where: 'v = 1' }),
        'Twhere',
        TEST_SETTINGS,
        localDeps(),
      );
      assert.deepEqual(await tablesOf(conn, pair.destination), ['a', 'b']);
      assert.equal(await count(conn, pair.destination, 'a'), 20);
      assert.equal(await count(conn, pair.destination, 'a', 'v <> 1'), 0);
      assert.equal(await count(conn, pair.destination, 'b'), 17);
      assert.equal(result.rows, 37);
      const [keys] = await conn.query<RowDataPacket[]>(
        `SHOW INDEX FROM \`${pair.destination}\`.a WHERE Key_name = 'v'`,
      );
      assert.equal(keys.length, 1, 'the deferred secondary key is back');
    } finally {
      await pair.drop();
    }
  });

  it('chunks composite and case-insensitive string keys without losing or doubling a row', async () => {
    const pair = await schemaPair(conn);
    try {
      await conn.query(`USE \`${pair.source}\``);
      await conn.query(
        'CREATE TABLE k (a VARCHAR(10) COLLATE utf8mb4_general_ci NOT NULL, b DATETIME(3) NOT NULL, v TEXT, PRIMARY KEY (a, b))',
      );
      await conn.query(
        "INSERT INTO k SELECT ELT(1 + seq % 6, 'a', 'B', 'c', 'É', 'e ', 'Ω'), TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND, REPEAT('x', seq) FROM seq_1_to_90",
      );
      await conn.query('CREATE TABLE nokey (v VARCHAR(10), n INT)');
      await conn.query("INSERT INTO nokey VALUES ('x', 1), ('x', 1), (NULL, 2)");
      await runMigration(spec(pair.source, pair.destination), 'Tkeys', TEST_SETTINGS, localDeps());
      await assertSameTable(conn, pair.source, pair.destination, 'k');
      await assertSameTable(conn, pair.source, pair.destination, 'nokey');
    } finally {
      await pair.drop();
    }
  });

  it('cuts each chunk where its read stops, a table ending on a chunk edge and one ending inside a chunk', async () => {
    const pair = await schemaPair(conn);
    try {
      await conn.query(`USE \`${pair.source}\``);
      await conn.query('CREATE TABLE edge (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)');
      await conn.query("INSERT INTO edge SELECT seq, CONCAT('v', seq) FROM seq_1_to_21");
      await conn.query('CREATE TABLE inside (a CHAR(2) NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b))');
      await conn.query("INSERT INTO inside SELECT ELT(1 + seq % 3, 'x', 'y', 'z'), seq FROM seq_1_to_20");
      const result = await runMigration(spec(pair.source, pair.destination), 'Tcuts', TEST_SETTINGS, localDeps());
      await assertSameTable(conn, pair.source, pair.destination, 'edge');
      await assertSameTable(conn, pair.source, pair.destination, 'inside');
      const chunks = Object.fromEntries(result.tables.map((t) => [t.name, t.chunks]));
      // 21 rows by 7: three full chunks, then an empty read that finds the end.
      assert.equal(chunks.edge, 4);
      // 20 rows by 7: two full chunks and the 6 rows left.
      assert.equal(chunks.inside, 3);
    } finally {
      await pair.drop();
    }
  });

  it('copies chunks far bigger than the read-ahead: the reader waits for the loader, and nothing is lost or changed', async () => {
    const pair = await schemaPair(conn);
    try {
      await conn.query(`USE \`${pair.source}\``);
      await conn.query('CREATE TABLE wide (id INT PRIMARY KEY, body MEDIUMTEXT NULL, bin MEDIUMBLOB NULL)');
      // ~18 MB in rows of 3-40 KB with tabs, newlines, backslashes and 0x00 bytes, some NULL.
      await conn.query(`INSERT INTO wide SELECT seq,
        IF(seq % 11 = 0, NULL, REPEAT(CONCAT('line ', seq, '\\t\\\\tab\\n'), 200 + seq % 2000)),
        IF(seq % 13 = 0, NULL, UNHEX(REPEAT(CONCAT(LPAD(HEX(seq % 256), 2, '0'), '000A0D5C09'), 500 + seq % 1500)))
        FROM seq_1_to_600`);
      const result = await runMigration(
        spec(pair.source, pair.destination),
        'Twide',
        { ...TEST_SETTINGS, chunkRows: 300, chunkBytes: 64 * 1024 * 1024, parallel: 2 },
        localDeps(),
      );
      assert.equal(result.rows, 600);
      assert.equal(result.tables[0].chunks, 3, 'two chunks of 300 rows (about 9 MB each), then the end');
      await assertSameTable(conn, pair.source, pair.destination, 'wide');
    } finally {
      await pair.drop();
    }
  });

  it('replace swaps the new tables in; fail refuses existing tables; append adds rows in one go', async () => {
    const pair = await schemaPair(conn);
    try {
      await conn.query(`USE \`${pair.source}\``);
      await conn.query(
        'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO t VALUES (1, "new"), (2, "new")',
      );
      await conn.query(
        `CREATE TABLE \`${pair.destination}\`.t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO \`${pair.destination}\`.t VALUES (9, 'old')`,
      );
      await assert.rejects(
        runMigration(spec(pair.source, pair.destination, { mode: 'fail' }), 'Tfail', TEST_SETTINGS, localDeps()),
        (err: unknown) => err instanceof MigrateError && /already exists/.test(err.message),
      );
      assert.equal(await count(conn, pair.destination, 't'), 1, 'fail left the table alone');
      await runMigration(
        spec(pair.source, pair.destination, { mode: 'append' }),
        'Tappend',
        TEST_SETTINGS,
        localDeps(),
      );
      assert.equal(await count(conn, pair.destination, 't'), 3);
      await assert.rejects(
        runMigration(spec(pair.source, pair.destination, { mode: 'append' }), 'Tappend2', TEST_SETTINGS, localDeps()),
        /Duplicate entry/,
      );
      assert.equal(await count(conn, pair.destination, 't'), 3, 'a failed append appends nothing');
      await runMigration(
        spec(pair.source, pair.destination, { mode: 'replace' }),
        'Treplace',
        TEST_SETTINGS,
        localDeps(),
      );
      await assertSameTable(conn, pair.source, pair.destination, 't');
      assert.deepEqual(await tablesOf(conn, pair.destination), ['t'], 'no staging or old table left');
    } finally {
      await pair.drop();
    }
  });

  it('recreates views, triggers and routines when asked, and keeps foreign keys', async () => {
    const pair = await schemaPair(conn);
    try {
      await conn.query(`USE \`${pair.source}\``);
      await conn.query(`CREATE TABLE parent (id INT PRIMARY KEY);
        CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id));
        INSERT INTO parent VALUES (1), (2); INSERT INTO child VALUES (10, 1), (11, 2);
        CREATE VIEW v_child AS SELECT c.id, p.id AS pid FROM child c JOIN parent p ON p.id = c.parent_id;
        CREATE VIEW v_count AS SELECT COUNT(*) AS n FROM v_child;
        CREATE TRIGGER child_bi BEFORE INSERT ON child FOR EACH ROW SET NEW.id = NEW.id + 1000;
        CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2`);
      const result = await runMigration(
        spec(pair.source, pair.destination, { objects: ['views', 'triggers', 'routines'] }),
        'Tobj',
        TEST_SETTINGS,
        localDeps(),
      );
      assert.deepEqual([...result.objects.created].sort(), [
        'function twice',
        'trigger child_bi',
        'view v_child',
        'view v_count',
      ]);
      await conn.query(`USE \`${pair.destination}\``);
      const [counted] = await conn.query<RowDataPacket[]>('SELECT n, twice(n) AS t FROM v_count');
      assert.deepEqual([Number(counted[0].n), Number(counted[0].t)], [2, 4]);
      await conn.query('INSERT INTO child VALUES (1, 1)');
      assert.equal(await count(conn, pair.destination, 'child', 'id = 1001'), 1, 'the trigger fired');
      await assert.rejects(conn.query('INSERT INTO child VALUES (5, 99)'), /foreign key constraint fails/);
    } finally {
      await pair.drop();
    }
  });

  it("creates a missing destination schema with the source schema's character set and collation", async () => {
    const pair = await schemaPair(conn);
    try {
      await conn.query(`ALTER DATABASE \`${pair.source}\` CHARACTER SET latin1 COLLATE latin1_german1_ci`);
      await conn.query(`DROP DATABASE \`${pair.destination}\``);
      await insertEdgeRows(conn, pair.source);
      const result = await runMigration(spec(pair.source, pair.destination), 'Tcreate', TEST_SETTINGS, localDeps());
      assert.equal(result.createdSchema, true);
      const [schema] = await conn.query<RowDataPacket[]>(
        'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [pair.destination],
      );
      assert.deepEqual([schema[0]?.cs, schema[0]?.co], ['latin1', 'latin1_german1_ci']);
      await assertSameTable(conn, pair.source, pair.destination, 'edge');
      await assertSameTable(conn, pair.source, pair.destination, 'edge_utf8');
    } finally {
      await pair.drop();
    }
  });

  it('a cancelled run drops the schema it created, but not one that holds something else by then', async () => {
    const pair = await schemaPair(conn);
    try {
      await conn.query(`USE \`${pair.source}\``);
      await conn.query(
        'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO t SELECT seq, seq FROM seq_1_to_200',
      );
      await conn.query(`DROP DATABASE \`${pair.destination}\``);
      const cancelAt = (before?: () => Promise<unknown>) => {
        const stop = new AbortController();
        let once = false;
        return localDeps({
          signal: stop.signal,
          onProgress: (p) => {
            if (p.phase !== 'copy' || once) return;
            once = true;
            void (before ? before() : Promise.resolve()).then(() => stop.abort({ kind: 'cancel' }));
          },
        });
      };
      const schemas = async () => {
        const [found] = await conn.query<RowDataPacket[]>(
          'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
          [pair.destination],
        );
        return found.length;
      };
      await assert.rejects(
        runMigration(spec(pair.source, pair.destination), 'Tcancel1', TEST_SETTINGS, cancelAt()),
        /cancelled; the staging tables and the schema \S+ it had created were dropped/,
      );
      assert.equal(await schemas(), 0, 'the created schema is gone');
      await assert.rejects(
        runMigration(
          spec(pair.source, pair.destination),
          'Tcancel2',
          TEST_SETTINGS,
          cancelAt(() => conn.query(`CREATE TABLE \`${pair.destination}\`.theirs (id INT)`)),
        ),
        /cancelled/,
      );
      assert.equal(await schemas(), 1, 'a schema someone else put a table into is kept');
      assert.deepEqual(await tablesOf(conn, pair.destination), ['theirs'], 'only the staging tables were dropped');
    } finally {
      await pair.drop();
    }
  });

  it("a routine, trigger and view naming the source schema use the destination's tables after the copy", async () => {
    const pair = await schemaPair(conn);
    try {
      const src = pair.source;
      await conn.query(`USE \`${src}\``);
      await conn.query(`CREATE TABLE t (id INT PRIMARY KEY); CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what INT);
        INSERT INTO t VALUES (1), (2);
        CREATE FUNCTION how_many() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM \`${src}\`.t);
        CREATE PROCEDURE add_one(x INT) MODIFIES SQL DATA INSERT INTO ${src}.t VALUES (x);
        CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW INSERT INTO \`${src}\` . audit (what) VALUES (NEW.id);
        CREATE VIEW v AS SELECT id, '${src}.t' AS label FROM ${src}.t`);
      await runMigration(
        spec(pair.source, pair.destination, { objects: ['views', 'triggers', 'routines'] }),
        'Troutine',
        TEST_SETTINGS,
        localDeps(),
      );
      await conn.query(`USE \`${pair.destination}\``);
      await conn.query('CALL add_one(3)');
      const [counted] = await conn.query<RowDataPacket[]>('SELECT how_many() AS n');
      assert.equal(Number(counted[0].n), 3, "the function counts the destination's rows (the procedure wrote there)");
      assert.equal(await count(conn, pair.destination, 'audit'), 1, 'the trigger wrote into the destination');
      assert.equal(await count(conn, pair.source, 't'), 2, 'the source is untouched');
      assert.equal(await count(conn, pair.source, 'audit'), 0);
      const [view] = await conn.query<RowDataPacket[]>('SELECT COUNT(*) AS n, MIN(label) AS label FROM v');
      assert.deepEqual(
        [Number(view[0].n), view[0].label],
        [3, `${src}.t`],
        'the view reads the destination; strings are kept',
      );
    } finally {
      await pair.drop();
    }
  });

  it('a table outside the copy whose foreign key points at a replaced table keeps pointing at the new one', async () => {
    const pair = await schemaPair(conn);
    try {
      await conn.query(`USE \`${pair.source}\``);
      await conn.query('CREATE TABLE p (id INT PRIMARY KEY); INSERT INTO p VALUES (1), (2), (3)');
      await conn.query(`USE \`${pair.destination}\``);
      await conn.query(`CREATE TABLE p (id INT PRIMARY KEY); INSERT INTO p VALUES (1);
        CREATE TABLE c (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_c FOREIGN KEY (pid) REFERENCES p (id)); INSERT INTO c VALUES (1, 1)`);
      const plan = await planMigration(spec(pair.source, pair.destination, { tables: ['p'] }), 'Tfk', TEST_SETTINGS, {
        source: conn,
        destination: conn,
      });
      assert.deepEqual(
        plan.outsideKeys.map((k) => [k.table, k.constraint, k.references]),
        [['c', 'fk_c', 'p']],
      );
      await runMigration(spec(pair.source, pair.destination, { tables: ['p'] }), 'Tfk', TEST_SETTINGS, localDeps());
      assert.deepEqual(await tablesOf(conn, pair.destination), ['c', 'p'], 'no old or staging table left');
      const [create] = await conn.query<RowDataPacket[]>(`SHOW CREATE TABLE \`${pair.destination}\`.c`);
      assert.match(
        String(create[0]['Create Table']),
        /CONSTRAINT `fk_c` FOREIGN KEY \(`pid`\) REFERENCES `p` \(`id`\)/,
      );
      await conn.query('INSERT INTO c VALUES (3, 3)');
      await assert.rejects(conn.query('INSERT INTO c VALUES (9, 9)'), /foreign key constraint fails/);
    } finally {
      await pair.drop();
    }
  });
});
