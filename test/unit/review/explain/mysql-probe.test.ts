import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { prepareStatements } from '../../../../src/review/engine.js';
import {
  dmlLimit,
  estimateFromPlan,
  estimateRows,
  explainableSql,
  versionAtLeast,
} from '../../../../src/review/explain/estimate.js';
import { MysqlProbe, parseExplainRows } from '../../../../src/review/explain/mysql-probe.js';
import { ExplainRefused, type ExplainRow, type ServerProbe } from '../../../../src/review/explain/probe.js';
import { dmlAsSelect } from '../../../../src/review/explain/rewrite.js';
import { statementPlan } from '../../../../src/review/explain/statement-plan.js';

/** `EXPLAIN FORMAT=TRADITIONAL UPDATE … JOIN …` on MySQL 8.0, as mysql2 returns it (BIGINT as strings). */
const MYSQL_ROWS = [
  {
    id: 1,
    select_type: 'UPDATE',
    table: 'o',
    partitions: null,
    type: 'range',
    possible_keys: 'PRIMARY,idx_customer',
    key: 'idx_customer',
    key_len: '4',
    ref: null,
    rows: '1200',
    filtered: 100,
    Extra: 'Using where',
  },
  {
    id: 1,
    select_type: 'SIMPLE',
    table: 'c',
    partitions: null,
    type: 'eq_ref',
    possible_keys: 'PRIMARY',
    key: 'PRIMARY',
    key_len: '4',
    ref: 'shop.o.customer_id',
    rows: '1',
    filtered: 50,
    Extra: null,
  },
];

/** `EXPLAIN SELECT …` on MariaDB 10.11: no partitions or filtered, rows may be NULL. */
const MARIADB_ROWS = [
  {
    id: 1,
    select_type: 'PRIMARY',
    table: '<subquery2>',
    type: 'ALL',
    possible_keys: 'distinct_key',
    key: null,
    key_len: null,
    ref: null,
    rows: 9,
    Extra: '',
  },
  {
    id: 1,
    select_type: 'PRIMARY',
    table: 't',
    type: 'ref',
    possible_keys: 'a',
    key: 'a',
    key_len: '5',
    ref: 'shop.t.a',
    rows: 1,
    Extra: '',
  },
  {
    id: 2,
    select_type: 'MATERIALIZED',
    table: 't',
    type: 'range',
    possible_keys: 'PRIMARY,a',
    key: 'PRIMARY',
    key_len: '4',
    ref: null,
    rows: 9,
    Extra: 'Using where',
  },
];

describe('parseExplainRows', () => {
  it('reads MySQL rows (partitions, filtered, BIGINT rows as strings)', () => {
    const plan = parseExplainRows(MYSQL_ROWS);
    assert.deepEqual(plan[0], {
      id: 1,
      selectType: 'UPDATE',
      table: 'o',
      type: 'range',
      possibleKeys: 'PRIMARY,idx_customer',
      key: 'idx_customer',
      rows: 1200,
      rowsKnown: true,
      filtered: 100,
      extra: 'Using where',
    });
    assert.equal(plan[1].filtered, 50);
    assert.equal(estimateFromPlan(plan, 'o'), 600, 'rows × filtered across the join, capped at the changed table');
  });

  it('reads MariaDB rows (no filtered) and NULL rows', () => {
    const plan = parseExplainRows(MARIADB_ROWS);
    assert.equal(plan[0].filtered, null);
    assert.equal(plan[0].table, '<subquery2>');
    assert.equal(
      estimateFromPlan(plan),
      9,
      'the main query (id 1): 9 × 1; the materialised subquery is not multiplied in',
    );
    const impossible = parseExplainRows([
      {
        id: 1,
        select_type: 'SIMPLE',
        table: null,
        type: null,
        possible_keys: null,
        key: null,
        key_len: null,
        ref: null,
        rows: null,
        Extra: 'Impossible WHERE',
      },
    ]);
    assert.equal(impossible[0].rowsKnown, false);
    assert.equal(estimateFromPlan(impossible), 0);
    const deleteAll = parseExplainRows([
      {
        id: 1,
        select_type: 'SIMPLE',
        table: null,
        type: null,
        possible_keys: null,
        key: null,
        key_len: null,
        ref: null,
        rows: 5000,
        Extra: 'Deleting all rows',
      },
    ]);
    assert.equal(estimateFromPlan(deleteAll), 5000);
    const insert = parseExplainRows([
      {
        id: 1,
        select_type: 'INSERT',
        table: 't',
        type: 'ALL',
        possible_keys: null,
        key: null,
        key_len: null,
        ref: null,
        rows: null,
        Extra: null,
      },
    ]);
    assert.equal(estimateFromPlan(insert), null, 'INSERT … VALUES: nothing to estimate');
  });

  it('refuses JSON and TREE output', () => {
    assert.throws(() => parseExplainRows([{ EXPLAIN: '-> Table scan on t' }]), /traditional/);
  });
});

describe('rewriting UPDATE and DELETE for servers that cannot EXPLAIN them', () => {
  const cases: Array<[string, string | null]> = [
    [
      'UPDATE LOW_PRIORITY t SET a = 1, b = (SELECT x FROM u WHERE u.id = t.id) WHERE id > 5 ORDER BY id LIMIT 10',
      'SELECT * FROM t WHERE id > 5 ORDER BY id LIMIT 10',
    ],
    ['UPDATE t JOIN u USING (id) SET t.a = u.a', 'SELECT * FROM t JOIN u USING (id)'],
    ["DELETE FROM t WHERE note = 'SET x WHERE y'", "SELECT * FROM t WHERE note = 'SET x WHERE y'"],
    ['DELETE t1 FROM t1 JOIN t2 USING (id) WHERE t2.x = 1', 'SELECT * FROM t1 JOIN t2 USING (id) WHERE t2.x = 1'],
    [
      'DELETE FROM t1 USING t1 JOIN t2 ON t1.id = t2.id WHERE t2.x = 1',
      'SELECT * FROM t1 JOIN t2 ON t1.id = t2.id WHERE t2.x = 1',
    ],
    ['DELETE FROM t WHERE id = 1 RETURNING id', 'SELECT * FROM t WHERE id = 1'],
    [
      'WITH c AS (SELECT 1 AS id) DELETE FROM t WHERE id IN (SELECT id FROM c)',
      'WITH c AS (SELECT 1 AS id) SELECT * FROM t WHERE id IN (SELECT id FROM c)',
    ],
    ['SELECT 1', null],
  ];
  for (const [sql, want] of cases) it(sql, () => assert.equal(dmlAsSelect(sql), want));

  it('always EXPLAINs UPDATE and DELETE as the SELECT of their rows (the session is read-only)', () => {
    const [update] = prepareStatements('UPDATE t SET a = 1 WHERE id = 2');
    assert.deepEqual(explainableSql(update), { sql: 'SELECT * FROM t WHERE id = 2', rewritten: true });
    const [select] = prepareStatements('/* x */ SELECT a FROM t WHERE id = 2');
    assert.deepEqual(explainableSql(select), { sql: 'SELECT a FROM t WHERE id = 2', rewritten: false });
    const [insert] = prepareStatements('INSERT INTO t VALUES (1)');
    assert.equal(explainableSql(insert), null);
    const [ddl] = prepareStatements('ALTER TABLE t ADD c INT');
    assert.equal(explainableSql(ddl), null);
  });

  it('compares versions and reads an UPDATE/DELETE LIMIT', () => {
    assert.ok(versionAtLeast('10.0.5-MariaDB', [10, 0, 5]));
    assert.ok(!versionAtLeast('10.0.4-MariaDB', [10, 0, 5]));
    assert.ok(versionAtLeast('8.0.36', [5, 6, 3]));
    assert.equal(dmlLimit('DELETE FROM t WHERE id IN (SELECT id FROM u LIMIT 5) LIMIT 100'), 100);
    assert.equal(dmlLimit('DELETE FROM t WHERE id IN (SELECT id FROM u LIMIT 5)'), undefined);
  });
});

describe('estimateRows', () => {
  it('EXPLAINs the rewritten SELECT on an old server', async () => {
    const seen: string[] = [];
    const rows: ExplainRow[] = [
      { id: 1, selectType: 'SIMPLE', table: 't', type: 'ALL', key: null, rows: 4200, extra: 'Using where' },
    ];
    const probe: ServerProbe = { flavor: 'mysql', version: '5.5.62', explain: async (sql) => (seen.push(sql), rows) };
    const [stmt] = prepareStatements('/* nightly */ DELETE FROM t WHERE created < NOW()');
    const estimate = await estimateRows(probe, stmt, 'shop', 't');
    assert.deepEqual(seen, ['SELECT * FROM t WHERE created < NOW()']);
    assert.equal(estimate?.rows, 4200);
    assert.equal(estimate?.rewritten, true);
  });
});

describe('statementPlan', () => {
  it('EXPLAINs a DELETE as its SELECT and an INSERT as the columns it fills, and describes errors in its own words', async () => {
    const seen: string[] = [];
    const probe: ServerProbe = {
      flavor: 'mariadb',
      version: '10.11.19-MariaDB',
      explain: async (sql) => {
        seen.push(sql);
        return [{ id: 1, selectType: 'SIMPLE', table: 't', type: 'ref', key: 'k', rows: 7, extra: null }];
      },
    };
    const batch = prepareStatements(
      'DELETE FROM t WHERE k = 1; INSERT INTO t (a, `b c`) VALUES (1, 2); UPDATE t SET nope = 1 WHERE id = 1',
    );
    const plan = await statementPlan({ stmt: batch[0], batch, server: probe, schema: 'shop' });
    assert.equal(plan.status === 'explained' && plan.rewritten, true);
    assert.equal((await statementPlan({ stmt: batch[1], batch, server: probe, schema: 'shop' })).status, 'explained');
    assert.deepEqual(seen, ['SELECT * FROM t WHERE k = 1', 'SELECT `a`, `b c` FROM `t` LIMIT 0']);
    const wrong: ServerProbe = {
      ...probe,
      explain: async () =>
        Promise.reject(
          Object.assign(new Error("Unknown column 'nope' in 'SET'"), {
            code: 'ER_BAD_FIELD_ERROR',
            errno: 1054,
            sqlMessage: "Unknown column 'nope' in 'SET'",
          }),
        ),
    };
    const failed = await statementPlan({ stmt: batch[2], batch, server: wrong, schema: 'shop' });
    assert.equal(failed.status === 'failed' && failed.fromServer && failed.code, 'ER_BAD_FIELD_ERROR');
    assert.equal(failed.status === 'failed' && failed.message, 'unknown column `nope`');
  });
});

describe('MysqlProbe', () => {
  it('never sends anything but a plain SELECT after EXPLAIN (no ANALYZE, FORMAT, write or second statement)', async () => {
    const pool = mysql.createPool({ host: '127.0.0.1', port: 1, connectionLimit: 1 }); // never connected: refused before
    const probe = new MysqlProbe(pool, 'mariadb', '10.11.19-MariaDB');
    try {
      for (const sql of [
        'ANALYZE SELECT 1',
        '/* x */ ANALYZE DELETE FROM t',
        'FORMAT=JSON SELECT 1',
        'DROP TABLE t',
        '/*!ANALYZE*/ SELECT 1',
        'UPDATE t SET a = 1',
        'SELECT 1; SELECT 2',
      ]) {
        await assert.rejects(probe.explain(sql), ExplainRefused, sql);
      }
    } finally {
      await pool.end();
    }
  });
});
