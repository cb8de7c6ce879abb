import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alterShape } from '../../../src/execute/alter.js';
import { assignedColumns, dmlShape, executableStatements, insertShape } from '../../../src/execute/analyze.js';
import { stripComments } from '../../../src/review/strip.js';

const dml = (sql: string, schema: string | null = 'shop') => dmlShape(stripComments(sql), schema);

describe('dmlShape: the rows an UPDATE or DELETE changes, as a SELECT can read them', () => {
  const exact = [
    {
      sql: 'UPDATE orders SET status = 2 WHERE id < 10',
      want: {
        verb: 'update',
        table: { schema: 'shop', name: 'orders' },
        from: 'orders',
        tail: 'WHERE id < 10',
        setColumns: ['status'],
      },
    },
    {
      sql: 'update `crm`.`people` p set p.name = upper(p.name), `seen` = NOW() where p.id in (1, 2)',
      want: {
        verb: 'update',
        table: { schema: 'crm', name: 'people' },
        from: '`crm`.`people` p',
        tail: 'where p.id in (1, 2)',
        setColumns: ['name', 'seen'],
      },
    },
    {
      sql: 'DELETE LOW_PRIORITY FROM logs WHERE created < NOW() - INTERVAL 30 DAY ORDER BY id LIMIT 1000',
      want: {
        verb: 'delete',
        table: { schema: 'shop', name: 'logs' },
        from: 'logs',
        tail: 'WHERE created < NOW() - INTERVAL 30 DAY ORDER BY id LIMIT 1000',
        setColumns: null,
      },
    },
    {
      sql: "UPDATE t SET a = 'x, y = 1' /* not, a column */ WHERE b = 'WHERE'",
      want: {
        verb: 'update',
        table: { schema: 'shop', name: 't' },
        from: 't',
        tail: "WHERE b = 'WHERE'",
        setColumns: ['a'],
      },
    },
    {
      sql: 'DELETE FROM t',
      want: { verb: 'delete', table: { schema: 'shop', name: 't' }, from: 't', tail: '', setColumns: null },
    },
  ];
  for (const { sql, want } of exact) {
    it(`reads ${sql}`, () => {
      assert.deepEqual(dml(sql), { prefix: '', ...want });
    });
  }

  const notExact = [
    { sql: 'UPDATE a JOIN b ON a.id = b.id SET a.x = 1', reason: /several tables/ },
    { sql: 'UPDATE a, b SET a.x = b.x WHERE a.id = b.id', reason: /several tables/ },
    { sql: 'DELETE a FROM a JOIN b ON a.id = b.id', reason: /several tables/ },
    { sql: 'DELETE FROM a USING a JOIN b ON a.id = b.id', reason: /several tables/ },
    { sql: 'DELETE FROM t WHERE x = 1 LIMIT 10', reason: /LIMIT without ORDER BY/ },
    { sql: 'UPDATE t SET x = 1 WHERE RAND() < 0.1', reason: /RAND\(\)/ },
    { sql: 'DELETE FROM t WHERE id = 1', schema: null, reason: /no schema/ },
  ];
  for (const { sql, reason, schema } of notExact) {
    it(`cannot back up ${sql} exactly`, () => {
      const shape = dml(sql, schema === undefined ? 'shop' : schema);
      assert.ok('exact' in shape, JSON.stringify(shape));
      assert.match(shape.reason, reason);
    });
  }
});

describe('assignedColumns', () => {
  it('reads qualified, quoted and expression assignments', () => {
    assert.deepEqual(assignedColumns(" o.`status` = 2, amount = amount * (1 + 0.1), note = CONCAT('a', ',', 'b')"), [
      'status',
      'amount',
      'note',
    ]);
  });
  it('gives up on what is not an assignment', () => {
    assert.equal(assignedColumns(' (a, b) = (1, 2)'), null);
  });
});

describe('insertShape', () => {
  it('reads the table, the columns and the source', () => {
    assert.deepEqual(insertShape("INSERT INTO orders (id, note) VALUES (1, 'a')", 'shop'), {
      verb: 'insert',
      table: { schema: 'shop', name: 'orders' },
      columns: ['id', 'note'],
      fromSelect: false,
      returning: false,
      ignore: false,
    });
    assert.deepEqual(insertShape('INSERT IGNORE INTO crm.p SELECT * FROM crm.q', 'shop'), {
      verb: 'insert',
      table: { schema: 'crm', name: 'p' },
      columns: null,
      fromSelect: true,
      returning: false,
      ignore: true,
    });
    assert.deepEqual(insertShape("INSERT INTO t SET a = 1, b = 'x'", 'shop'), {
      verb: 'insert',
      table: { schema: 'shop', name: 't' },
      columns: ['a', 'b'],
      fromSelect: false,
      returning: false,
      ignore: false,
    });
  });
  it('does not take an INSERT that may change existing rows', () => {
    const shape = insertShape('INSERT INTO t (id, n) VALUES (1, 1) ON DUPLICATE KEY UPDATE n = n + 1', 'shop');
    assert.ok('exact' in shape);
    assert.match(shape.reason, /ON DUPLICATE KEY UPDATE/);
  });
});

describe('alterShape', () => {
  it('separates the table from the clause pt-online-schema-change takes', () => {
    assert.deepEqual(alterShape('ALTER TABLE `shop`.`orders` ADD COLUMN c INT, DROP INDEX i', null), {
      table: { schema: 'shop', name: 'orders' },
      clause: 'ADD COLUMN c INT, DROP INDEX i',
      explicitAlgorithm: false,
      modifiers: false,
    });
    assert.equal(
      (
        alterShape('ALTER TABLE t ADD INDEX i (c), ALGORITHM=INPLACE, LOCK=NONE', 'shop') as {
          explicitAlgorithm: boolean;
        }
      ).explicitAlgorithm,
      true,
    );
    assert.equal(
      (alterShape('ALTER ONLINE TABLE t ADD INDEX i (c)', 'shop') as { modifiers: boolean }).modifiers,
      true,
    );
  });
});

describe('executableStatements', () => {
  it('splits and classifies like the review, numbering from 1', () => {
    const statements = executableStatements("UPDATE t SET a = ';' WHERE id = 1;\n-- note\nDELETE FROM t WHERE id = 2;");
    assert.deepEqual(
      statements.map((s) => [s.number, s.kind]),
      [
        [1, 'update'],
        [2, 'delete'],
      ],
    );
  });
  it('marks statements on sharded tables', () => {
    assert.equal(executableStatements('DELETE FROM orders_{0..3} WHERE id = 1')[0].sharded, 'orders_{0..3}');
  });
});
