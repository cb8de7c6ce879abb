import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prepareStatements } from '../../../src/review/engine.js';
import {
  droppedDatabase,
  droppedTables,
  renamedTables,
  tableDdl,
  targetTable,
  type TableDdl,
} from '../../../src/review/ast-ddl.js';
import { tableDdlFromAst } from '../../../src/review/ddl/from-ast.js';
import { tableDdlFromText } from '../../../src/review/ddl/from-text.js';

function one(sql: string) {
  const [stmt] = prepareStatements(sql);
  assert.ok(stmt, sql);
  return stmt;
}

/** What both readers must agree on: everything but the reader and the text of expression defaults. */
function comparable(ddl: TableDdl | null): unknown {
  if (!ddl) return null;
  const scrub = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value, (key, v) => {
        if (key === 'source') return undefined;
        if (v && typeof v === 'object' && v.kind === 'expression' && typeof v.value === 'string')
          return { kind: 'expression' };
        if (key === 'text' && typeof v === 'string') return undefined;
        return v;
      }),
    );
  return scrub(ddl);
}

/** Statements node-sql-parser reads: the token reader must read them the same way. */
const BOTH = [
  "CREATE TABLE IF NOT EXISTS db.t (id BIGINT(20) UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'pk', name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL DEFAULT 'x', ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, PRIMARY KEY (id), UNIQUE KEY uk_name (name(10)), KEY idx_ts (ts), INDEX (name, ts), FULLTEXT KEY ft (name), CONSTRAINT fk FOREIGN KEY (id) REFERENCES o(id)) ENGINE=MyISAM DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci COMMENT='hello' AUTO_INCREMENT=100",
  "CREATE TABLE t (id INT PRIMARY KEY, e ENUM('a','b') DEFAULT 'a', s SET('x','y'), b BIT(1), d DECIMAL(10,2), f FLOAT, db DOUBLE(8,2), j JSON, bl BLOB)",
  'CREATE TABLE t (c CHAR(30) CHARACTER SET latin1, u INT UNIQUE, u2 INT UNIQUE KEY, r INT REFERENCES o(id))',
  "CREATE TABLE t (g INT AS (id+1) VIRTUAL, dt DATETIME DEFAULT '0000-00-00 00:00:00', y YEAR)",
  'CREATE TABLE t (ti TINYINT(1) UNSIGNED ZEROFILL, bi BOOLEAN DEFAULT TRUE, ts2 TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), n INT DEFAULT NULL, neg INT DEFAULT -1)',
  'CREATE TABLE t (bin VARBINARY(10), lt LONGTEXT, dd DATE DEFAULT (CURRENT_DATE), x INT DEFAULT (1+1), k INT KEY)',
  'CREATE TABLE t (dt DATETIME DEFAULT NOW(), up DATETIME ON UPDATE CURRENT_TIMESTAMP, c2 CHAR, big BIGINT UNSIGNED)',
  "CREATE TABLE t (a VARCHAR(5) DEFAULT 'a\\'b' COMMENT 'it''s', b BIT(1) DEFAULT b'0', c DECIMAL(5,2) DEFAULT 0.5, d INT DEFAULT '', e BINARY(4) DEFAULT x'00', h INT DEFAULT +3, i DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3), k DOUBLE DEFAULT 1e3, l VARCHAR(3) DEFAULT \"dq\")",
  "CREATE TABLE t (id INT AUTO_INCREMENT, PRIMARY KEY USING BTREE (id), KEY `k` (id) COMMENT 'x', CONSTRAINT c1 UNIQUE (id), CHECK (id > 0)) COMMENT 'it''s' ENGINE InnoDB CHARACTER SET utf8mb4",
  'CREATE TEMPORARY TABLE `Order` (`select` INT, `my col` INT) ROW_FORMAT=DYNAMIC DEFAULT COLLATE = utf8mb4_bin',
  'CREATE TABLE t2 LIKE t',
  'ALTER TABLE t ADD COLUMN a INT NOT NULL DEFAULT 0 AFTER b, ADD b VARCHAR(10) FIRST, MODIFY COLUMN c TEXT, CHANGE COLUMN d e INT UNSIGNED',
  'ALTER TABLE t DROP COLUMN f, ADD INDEX idx_a (a), DROP INDEX idx_x, DROP PRIMARY KEY, DROP FOREIGN KEY fk, DROP KEY k',
  'ALTER TABLE t ADD FULLTEXT INDEX ft (a), ADD KEY k (a(10), b), ADD SPATIAL INDEX sp (g), ADD INDEX (a) USING BTREE',
  "ALTER TABLE t RENAME TO t2, ALGORITHM=INPLACE, LOCK=NONE, ENGINE=InnoDB, AUTO_INCREMENT=5, COMMENT='x', ROW_FORMAT=COMPRESSED",
  'ALTER TABLE t RENAME COLUMN g TO h, CHARSET=utf8, COLLATE=x_bin',
  'ALTER TABLE t DEFAULT CHARSET=utf8mb4, ADD COLUMN a INT UNIQUE, ADD COLUMN b INT PRIMARY KEY',
  'ALTER TABLE t ADD COLUMN a INT, ALGORITHM INPLACE',
  'ALTER TABLE t MODIFY a INT FIRST, CHANGE a b INT AFTER c, DROP INDEX `PRIMARY`',
  'CREATE UNIQUE INDEX uk_a ON db.t (a, b(10) DESC) USING BTREE',
  'CREATE INDEX i ON t (a) ALGORITHM=INPLACE LOCK=NONE',
  'CREATE FULLTEXT INDEX ft ON t (a)',
  'CREATE INDEX i ON t ((lower(a)))',
  'CREATE TABLE t (a BIGINT UNSIGNED DEFAULT 18446744073709551615, b DECIMAL(30,2) DEFAULT 1234567890123456789012.55, c INT DEFAULT 1., d DOUBLE DEFAULT -1.5e10, e INT DEFAULT 0x1F)',
];

describe('ast-ddl: the AST reader and the token reader agree', () => {
  for (const sql of BOTH) {
    it(sql.slice(0, 80), () => {
      const stmt = one(sql);
      assert.ok(stmt.ast, `the parser should read this: ${stmt.parseError?.message}`);
      const fromAst = tableDdlFromAst(stmt.ast);
      assert.ok(fromAst);
      assert.deepEqual(comparable(tableDdlFromText(stmt.stripped)), comparable(fromAst));
    });
  }
});

describe('ast-ddl: statements the parser cannot read', () => {
  it('ALTER TABLE … ADD PRIMARY KEY / UNIQUE / FOREIGN KEY', () => {
    const stmt = one(
      'ALTER TABLE db.t ADD PRIMARY KEY (id), ADD UNIQUE KEY uk_a (a), ADD CONSTRAINT fk_b FOREIGN KEY (b) REFERENCES o (id) ON DELETE CASCADE, ALTER COLUMN c SET DEFAULT 3',
    );
    assert.equal(stmt.ast, null);
    const ddl = tableDdl(stmt);
    assert.equal(ddl?.source, 'text');
    assert.deepEqual(ddl?.table, { db: 'db', table: 't' });
    assert.deepEqual(
      ddl?.indexes.map((i) => [i.kind, i.name, i.columns.map((c) => c.name).join(',')]),
      [
        ['primary', 'PRIMARY', 'id'],
        ['unique', 'uk_a', 'a'],
        ['foreign', 'fk_b', 'b'],
      ],
    );
    assert.deepEqual(ddl?.indexes[2]?.references, { table: { db: null, table: 'o' }, columns: ['id'] });
    assert.deepEqual(ddl?.actions.at(-1), {
      type: 'alter-column-default',
      name: 'c',
      default: { kind: 'number', value: '3' },
    });
  });

  it('SERIAL, DOUBLE PRECISION, CHARSET on a column, PARTITION BY', () => {
    const ddl = tableDdl(
      one(
        'CREATE TABLE t (id SERIAL, r DOUBLE PRECISION, n NATIONAL VARCHAR(10), c VARCHAR(9) CHARSET latin1) PARTITION BY HASH(id) PARTITIONS 4',
      ),
    );
    assert.equal(ddl?.source, 'text');
    assert.deepEqual(
      ddl?.columns.map((c) => [c.name, c.dataType, c.unsigned, c.autoIncrement, c.nullable, c.charset]),
      [
        ['id', 'bigint', true, true, false, null],
        ['r', 'double', false, false, true, null],
        ['n', 'varchar', false, false, true, 'utf8mb3'],
        ['c', 'varchar', false, false, true, 'latin1'],
      ],
    );
    assert.deepEqual(
      ddl?.indexes.map((i) => i.kind),
      ['unique'],
    );
    assert.equal(ddl?.options.partitioned, true);
  });

  it('ALTER … CONVERT TO CHARACTER SET, table options without commas, DROP COLUMN IF EXISTS', () => {
    const ddl = tableDdl(
      one(
        'ALTER TABLE t CONVERT TO CHARACTER SET latin1 COLLATE latin1_bin, ENGINE InnoDB AUTO_INCREMENT=3, DROP COLUMN IF EXISTS x',
      ),
    );
    assert.equal(ddl?.options.charset, 'latin1');
    assert.equal(ddl?.options.collation, 'latin1_bin');
    assert.equal(ddl?.options.engine, 'InnoDB');
    assert.equal(ddl?.options.autoIncrement, 3);
    assert.deepEqual(ddl?.actions.at(-1), { type: 'drop-column', name: 'x' });
  });

  it('keywords inside strings and comments do not confuse it', () => {
    const ddl = tableDdl(
      one(
        "CREATE TABLE t (a VARCHAR(9) DEFAULT 'x, PRIMARY KEY (a)' /* , KEY k (a) */ COMMENT 'ENGINE=MyISAM', b INT) ENGINE=InnoDB PARTITION BY KEY(a)",
      ),
    );
    assert.deepEqual(ddl?.indexes, []);
    assert.equal(ddl?.columns[0]?.default?.value, 'x, PRIMARY KEY (a)');
    assert.equal(ddl?.options.engine, 'InnoDB');
  });
});

describe('ast-ddl: DROP, RENAME, targets', () => {
  it('reads dropped and renamed tables', () => {
    assert.deepEqual(droppedTables(one('DROP TABLE IF EXISTS a, db.b_del')), [
      { db: null, table: 'a' },
      { db: 'db', table: 'b_del' },
    ]);
    assert.deepEqual(droppedTables(one('DROP TEMPORARY TABLE a')), [{ db: null, table: 'a' }]);
    assert.deepEqual(
      renamedTables(one('RENAME TABLE a TO b, c TO d')).map((r) => `${r.from.table}>${r.to.table}`),
      ['a>b', 'c>d'],
    );
    assert.deepEqual(renamedTables(one('ALTER TABLE db.t RENAME TO t2')), [
      { from: { db: 'db', table: 't' }, to: { db: 'db', table: 't2' } },
    ]);
    assert.equal(droppedDatabase(one('DROP SCHEMA IF EXISTS shop')), 'shop');
    assert.deepEqual(targetTable(one('DROP INDEX i ON db.t')), { db: 'db', table: 't' });
  });
});
