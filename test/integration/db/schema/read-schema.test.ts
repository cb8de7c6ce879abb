import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import { columnDefault } from '../../../../src/db/schema/column-default.js';
import { readSchema, type QuerySource } from '../../../../src/db/schema/read-schema.js';
import { readSchemaSizes } from '../../../../src/db/schema/schema-sizes.js';
import { existingSchemas, schemaNames } from '../../../../src/db/schema/schemata.js';
import { readServerFlavor } from '../../../../src/db/schema/server-flavor.js';
import { showCreate } from '../../../../src/db/schema/show-create.js';

const suffix = randomBytes(4).toString('hex');
const SHOP = `t_rs_shop_${suffix}`;
const CRM = `t_rs_crm_${suffix}`;
const pool = mysql.createPool({ host: '127.0.0.1', port: 3306, user: 'root', connectionLimit: 2 });

const SHOP_DDL = [
  `CREATE TABLE orders (
     id INT UNSIGNED NOT NULL AUTO_INCREMENT,
     day DATE NOT NULL,
     note VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci DEFAULT 'it''s' COMMENT 'free text',
     total DECIMAL(10,2) NOT NULL DEFAULT 0,
     doubled DECIMAL(11,2) AS (total * 2) VIRTUAL,
     kept DECIMAL(11,2) AS (total * 3) PERSISTENT,
     changed TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
     PRIMARY KEY (id, day),
     UNIQUE KEY uk_note (note(8), day DESC),
     KEY idx_day (day)
   ) ENGINE=InnoDB COMMENT='the orders' AUTO_INCREMENT=100
   PARTITION BY RANGE COLUMNS(day) (PARTITION p2024 VALUES LESS THAN ('2025-01-01'), PARTITION pmax VALUES LESS THAN (MAXVALUE))`,
  'CREATE TABLE shipments (id INT UNSIGNED NOT NULL, day DATE NOT NULL, PRIMARY KEY (id, day)) ENGINE=InnoDB',
  'CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, FULLTEXT KEY ft_name (name)) ENGINE=InnoDB',
  `CREATE TABLE items (
     id INT PRIMARY KEY,
     order_id INT UNSIGNED NOT NULL,
     order_day DATE NOT NULL,
     customer_id INT NULL,
     CONSTRAINT fk_order FOREIGN KEY (order_id, order_day) REFERENCES shipments (id, day) ON DELETE CASCADE,
     CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON UPDATE SET NULL ON DELETE SET NULL
   ) ENGINE=InnoDB`,
  'CREATE TABLE log (id INT PRIMARY KEY, at DATETIME) ENGINE=Aria',
  'CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100',
  'CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW SET NEW.total = NEW.total',
  'CREATE TRIGGER orders_bi2 BEFORE INSERT ON orders FOR EACH ROW FOLLOWS orders_bi SET NEW.total = NEW.total',
  'CREATE TRIGGER items_ad AFTER DELETE ON items FOR EACH ROW DELETE FROM log WHERE id = OLD.id',
  "INSERT INTO orders (day, total) VALUES ('2024-05-01', 10), ('2025-02-01', 20)",
];

before(async () => {
  const conn = await pool.getConnection();
  try {
    await conn.query(`CREATE DATABASE ${SHOP} DEFAULT CHARACTER SET utf8mb4`);
    await conn.query(`CREATE DATABASE ${CRM} DEFAULT CHARACTER SET utf8mb4`);
    await conn.query(`USE ${SHOP}`);
    for (const sql of SHOP_DDL) await conn.query(sql);
    await conn.query(
      `CREATE TABLE ${CRM}.visits (id INT PRIMARY KEY, customer_id INT, CONSTRAINT fk_visit_customer FOREIGN KEY (customer_id) REFERENCES ${SHOP}.customers (id))`,
    );
  } finally {
    conn.destroy();
  }
});
after(async () => {
  await pool.query(`DROP DATABASE IF EXISTS ${CRM}`);
  await pool.query(`DROP DATABASE IF EXISTS ${SHOP}`);
  await pool.end();
});

/** The pool, recording every statement it is sent. */
function counting(): { db: QuerySource; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    db: {
      query: <T extends RowDataPacket[]>(sql: string, values?: unknown[]) => {
        sent.push(sql);
        return pool.query<T>(sql, values);
      },
    },
  };
}

const everything = {
  details: true,
  columns: true,
  indexes: true,
  foreignKeys: true,
  incomingForeignKeys: true,
  triggers: true,
};

describe('readSchema', () => {
  it('reads every table of a schema with all it asks for, one query per information_schema table', async () => {
    const { db, sent } = counting();
    const snapshot = await readSchema(db, SHOP, { include: everything });
    assert.equal(sent.length, 6, sent.join('\n'));
    assert.ok(sent.every((sql) => /information_schema/.test(sql) && !/COUNT\(/i.test(sql)));
    assert.deepEqual([...snapshot.tables.keys()], ['big_orders', 'customers', 'items', 'log', 'orders', 'shipments']);

    const orders = snapshot.tables.get('orders');
    assert.ok(orders);
    assert.equal(orders.type, 'BASE TABLE');
    assert.equal(orders.engine, 'InnoDB');
    assert.equal(orders.comment, 'the orders');
    assert.equal(orders.collation, 'utf8mb4_general_ci');
    assert.equal(orders.partitioned, true);
    assert.ok((orders.autoIncrement ?? 0) >= 100, String(orders.autoIncrement));
    assert.ok(orders.dataBytes !== null && orders.indexBytes !== null && orders.rows !== null);
    assert.deepEqual(
      orders.columns.map((c) => [c.name, c.position, c.dataType, c.columnType, c.nullable, c.generated]),
      [
        ['id', 1, 'int', 'int(10) unsigned', false, null],
        ['day', 2, 'date', 'date', false, null],
        ['note', 3, 'varchar', 'varchar(20)', true, null],
        ['total', 4, 'decimal', 'decimal(10,2)', false, null],
        ['doubled', 5, 'decimal', 'decimal(11,2)', true, 'virtual'],
        ['kept', 6, 'decimal', 'decimal(11,2)', true, 'stored'],
        ['changed', 7, 'timestamp', 'timestamp', false, null],
      ],
    );
    const [id, , note, total, , , changed] = orders.columns;
    assert.equal(id.autoIncrement, true);
    assert.equal(id.key, 'PRI');
    assert.deepEqual([note.charset, note.collation, note.comment], ['latin1', 'latin1_swedish_ci', 'free text']);
    assert.deepEqual(columnDefault(note, 'mariadb'), { value: "it's", hasDefault: true });
    assert.deepEqual(columnDefault(total, 'mariadb'), { value: '0.00', hasDefault: true });
    assert.deepEqual(columnDefault(id, 'mariadb'), { value: null, hasDefault: false });
    assert.equal(changed.onUpdate, true);
    assert.deepEqual(
      orders.indexes.map((i) => [
        i.name,
        i.primary,
        i.unique,
        i.type,
        i.parts.map((p) => [p.column, p.subPart, p.descending]),
      ]),
      [
        ['idx_day', false, false, 'BTREE', [['day', null, false]]],
        [
          'PRIMARY',
          true,
          true,
          'BTREE',
          [
            ['id', null, false],
            ['day', null, false],
          ],
        ],
        [
          'uk_note',
          false,
          true,
          'BTREE',
          [
            ['note', 8, false],
            ['day', null, true],
          ],
        ],
      ],
    );
    assert.deepEqual(
      orders.triggers.map((t) => [t.name, t.event, t.timing, t.order]),
      [
        ['orders_bi', 'INSERT', 'BEFORE', 1],
        ['orders_bi2', 'INSERT', 'BEFORE', 2],
      ],
    );
    assert.deepEqual(
      snapshot.triggers.map((t) => [t.name, t.table]),
      [
        ['items_ad', 'items'],
        ['orders_bi', 'orders'],
        ['orders_bi2', 'orders'],
      ],
    );

    const items = snapshot.tables.get('items');
    assert.deepEqual(items?.foreignKeys, [
      {
        name: 'fk_customer',
        columns: ['customer_id'],
        referencedSchema: SHOP,
        referencedTable: 'customers',
        referencedColumns: ['id'],
        onUpdate: 'SET NULL',
        onDelete: 'SET NULL',
      },
      {
        name: 'fk_order',
        columns: ['order_id', 'order_day'],
        referencedSchema: SHOP,
        referencedTable: 'shipments',
        referencedColumns: ['id', 'day'],
        onUpdate: 'RESTRICT',
        onDelete: 'CASCADE',
      },
    ]);
    assert.deepEqual(
      snapshot.tables.get('customers')?.referencedBy.map((k) => [k.schema, k.table, k.name]),
      [
        [CRM, 'visits', 'fk_visit_customer'],
        [SHOP, 'items', 'fk_customer'],
      ],
    );
    assert.equal(snapshot.tables.get('customers')?.indexes.find((i) => i.name === 'ft_name')?.type, 'FULLTEXT');
    assert.equal(snapshot.tables.get('log')?.engine, 'Aria');

    const view = snapshot.tables.get('big_orders');
    assert.equal(view?.type, 'VIEW');
    assert.deepEqual(
      view?.columns.map((c) => c.name),
      ['id', 'total'],
    );
    assert.deepEqual([view?.rows, view?.dataBytes, view?.indexes.length], [null, null, 0]);
  });

  it('reads only the tables named, and only what it is asked for', async () => {
    const { db, sent } = counting();
    const snapshot = await readSchema(db, SHOP, { tables: ['orders', 'no_such_table'], include: { columns: true } });
    assert.equal(sent.length, 2, sent.join('\n'));
    assert.deepEqual([...snapshot.tables.keys()], ['orders']);
    const orders = snapshot.tables.get('orders');
    assert.equal(orders?.columns.length, 7);
    assert.deepEqual(
      [orders?.engine, orders?.rows, orders?.dataBytes, orders?.indexes.length, orders?.triggers.length],
      [null, null, null, 0, 0],
    );
  });

  it('reads incoming foreign keys and triggers of the tables named without their columns', async () => {
    const { db, sent } = counting();
    const snapshot = await readSchema(db, SHOP, {
      tables: ['customers'],
      include: { incomingForeignKeys: true, triggers: true },
    });
    assert.equal(sent.length, 3, sent.join('\n'));
    assert.equal(snapshot.tables.get('customers')?.referencedBy.length, 2);
  });

  it('sends one query when no table is found, and none for an empty list of tables', async () => {
    const { db, sent } = counting();
    assert.equal((await readSchema(db, SHOP, { tables: ['nope'], include: everything })).tables.size, 0);
    assert.equal((await readSchema(db, `${SHOP}_nope`, { include: everything })).tables.size, 0);
    assert.equal(sent.length, 2);
    assert.equal((await readSchema(db, SHOP, { tables: [], include: everything })).tables.size, 0);
    assert.equal(sent.length, 2);
  });

  it('lists names and types alone without opening a view; details open them', async () => {
    const conn = await pool.getConnection();
    const openedViews = async () => {
      const [rows] = await conn.query<RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Opened_views'");
      return Number(rows[0]?.Value);
    };
    try {
      const before = await openedViews();
      const names = await readSchema(conn, SHOP);
      assert.equal(await openedViews(), before);
      assert.deepEqual(
        [...names.tables.values()].map((t) => `${t.name} ${t.type} ${t.engine}`),
        [
          'big_orders VIEW null',
          'customers BASE TABLE null',
          'items BASE TABLE null',
          'log BASE TABLE null',
          'orders BASE TABLE null',
          'shipments BASE TABLE null',
        ],
      );
      await readSchema(conn, SHOP, { include: { details: true } });
      assert.ok((await openedViews()) > before);
    } finally {
      conn.release();
    }
  });

  it('runs on anything that returns rows (execute sessions) as well as on mysql2 pools', async () => {
    const rowsOnly = {
      rows: async (sql: string, values?: unknown[]) => (await pool.query<RowDataPacket[]>(sql, values))[0],
    };
    const snapshot = await readSchema(rowsOnly, SHOP, { tables: ['log'], include: { details: true } });
    assert.equal(snapshot.tables.get('log')?.engine, 'Aria');
  });
});

describe('schema helpers', () => {
  it('finds which schemas exist, lists them all, and knows the server', async () => {
    assert.deepEqual(await existingSchemas(pool, [SHOP, `${SHOP}_nope`]), [SHOP]);
    assert.deepEqual(await existingSchemas(pool, []), []);
    const all = await schemaNames(pool);
    assert.ok(all.includes(SHOP) && all.includes(CRM) && all.includes('information_schema'));
    assert.ok(all.indexOf(CRM) < all.indexOf(SHOP), 'by name');
    assert.equal(await readServerFlavor(pool), 'mariadb');
  });

  it("sums each user schema's data and indexes, and leaves the system schemas out", async () => {
    const sizes = await readSchemaSizes(pool);
    assert.ok((sizes.find((s) => s.schema === SHOP)?.bytes ?? 0) > 0, JSON.stringify(sizes));
    assert.ok(!sizes.some((s) => ['mysql', 'information_schema', 'performance_schema', 'sys'].includes(s.schema)));
  });

  it('shows the CREATE statement of a table and of a view', async () => {
    assert.match((await showCreate(pool, SHOP, 'orders')) ?? '', /^CREATE TABLE `orders`[\s\S]*PARTITION BY RANGE/);
    assert.match(
      (await showCreate(pool, SHOP, 'big_orders')) ?? '',
      new RegExp(`^CREATE ALGORITHM=.* VIEW \`${SHOP}\`[.]\`big_orders\``),
    );
  });
});
