import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyDdl, tableAfter } from '../../../../src/review/catalog/apply-ddl.js';
import { MemoryCatalog } from '../../../../src/review/catalog/memory-catalog.js';
import type { CatalogTable } from '../../../../src/review/catalog/catalog.js';
import { prepareStatements, reviewSql } from '../../../../src/review/engine.js';
import { rules } from '../../../../src/review/rules/index.js';
import { resolveRules } from '../../../../src/review/settings.js';

const SCHEMA = 'shop';

/** A catalog with `shop.customers` as information_schema would describe it. */
function catalog(): MemoryCatalog {
  const customers: CatalogTable = {
    schema: SCHEMA,
    name: 'customers',
    engine: 'InnoDB',
    columns: [
      {
        name: 'id',
        dataType: 'int',
        columnType: 'int(11)',
        nullable: false,
        defaultValue: null,
        hasDefault: false,
        autoIncrement: true,
      },
      {
        name: 'email',
        dataType: 'varchar',
        columnType: 'varchar(100)',
        nullable: true,
        defaultValue: null,
        hasDefault: true,
        autoIncrement: false,
      },
    ],
    indexes: [{ name: 'PRIMARY', columns: ['id'], unique: true, primary: true, type: 'BTREE' }],
    rows: 1200,
    dataBytes: 65536,
    indexBytes: 0,
  };
  return new MemoryCatalog([SCHEMA], [customers]);
}

/** Apply every statement of a batch, in order. */
function replay(target: MemoryCatalog, sql: string): void {
  for (const stmt of prepareStatements(sql)) applyDdl(target, stmt, SCHEMA);
}

const names = (table: CatalogTable | undefined) => ({
  columns: table?.columns.map((c) => c.name),
  indexes: table?.indexes.map((i) => `${i.name}(${i.columns.join(',')})${i.unique ? '!' : ''}`),
});

describe('applyDdl', () => {
  it('follows CREATE, ALTER ADD COLUMN / ADD INDEX, then DROP within one batch', () => {
    const c = catalog();
    replay(
      c,
      `
      CREATE TABLE orders (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(10,2));
      ALTER TABLE orders ADD COLUMN note VARCHAR(200) NULL AFTER customer_id, ADD INDEX idx_customer (customer_id);
      CREATE UNIQUE INDEX uk_note ON orders (note);
    `,
    );
    const orders = c.getTable(SCHEMA, 'orders');
    assert.deepEqual(names(orders), {
      columns: ['id', 'customer_id', 'note', 'total'],
      indexes: ['PRIMARY(id)!', 'idx_customer(customer_id)', 'uk_note(note)!'],
    });
    const id = orders?.columns[0];
    assert.equal(id?.columnType, 'bigint unsigned');
    assert.equal(id?.nullable, false);
    assert.equal(id?.autoIncrement, true);
    assert.equal(orders?.rows, 0, 'a new table starts empty');

    replay(c, 'ALTER TABLE orders DROP COLUMN customer_id; DROP INDEX uk_note ON orders; DROP TABLE customers');
    assert.deepEqual(
      names(c.getTable(SCHEMA, 'orders')),
      { columns: ['id', 'note', 'total'], indexes: ['PRIMARY(id)!'] },
      'the index on a dropped column goes with it',
    );
    assert.equal(c.getTable(SCHEMA, 'customers'), undefined);
  });

  it('lets a later statement of the batch see the result', async () => {
    const walkThrough = resolveRules(rules, { rules: {}, profiles: {} }).filter(
      (r) => r.rule.id === 'builtin.walk-through',
    );
    const report = await reviewSql(
      `CREATE TABLE orders (id INT PRIMARY KEY);
       ALTER TABLE orders ADD COLUMN total INT, ADD INDEX idx_total (total);
       SELECT id, total FROM orders WHERE total > 10;
       DROP TABLE orders;
       SELECT id FROM orders`,
      { rules: walkThrough, catalog: catalog(), schema: SCHEMA },
    );
    const findings = report.statements.map((s) => s.findings.map((f) => f.message));
    assert.deepEqual(findings.slice(0, 4), [[], [], [], []]);
    assert.deepEqual(findings[4], [`Table \`orders\` does not exist in \`${SCHEMA}\`.`]);
  });

  it('renames tables left to right and columns inside indexes', () => {
    const c = catalog();
    replay(
      c,
      `
      CREATE TABLE a (id INT PRIMARY KEY, x INT, KEY k_x (x));
      ALTER TABLE a CHANGE COLUMN x y BIGINT, RENAME INDEX k_x TO k_y;
      RENAME TABLE customers TO tmp, a TO customers, tmp TO a;
    `,
    );
    assert.deepEqual(names(c.getTable(SCHEMA, 'customers')), {
      columns: ['id', 'y'],
      indexes: ['PRIMARY(id)!', 'k_y(y)'],
    });
    assert.deepEqual(names(c.getTable(SCHEMA, 'a')).columns, ['id', 'email']);
    assert.equal(c.getTable(SCHEMA, 'a')?.rows, 1200, 'a renamed table keeps its size');
  });

  it('reads ALTERs the parser cannot (ADD UNIQUE KEY, ADD PRIMARY KEY) with the token reader', () => {
    const c = catalog();
    replay(c, 'CREATE TABLE t (a INT, b INT); ALTER TABLE t ADD PRIMARY KEY (a), ADD UNIQUE KEY uk_b (b)');
    const t = c.getTable(SCHEMA, 't');
    assert.deepEqual(names(t).indexes, ['PRIMARY(a)!', 'uk_b(b)!']);
    assert.equal(t?.columns[0].nullable, false, 'primary-key columns become NOT NULL');
  });

  it('copies CREATE TABLE … LIKE and names unnamed keys as the server does', () => {
    const c = catalog();
    replay(
      c,
      'CREATE TABLE customers_copy LIKE customers; CREATE TABLE k (a INT, b INT, KEY (a), KEY (a, b), UNIQUE (b))',
    );
    assert.deepEqual(names(c.getTable(SCHEMA, 'customers_copy')), names(c.getTable(SCHEMA, 'customers')));
    assert.deepEqual(names(c.getTable(SCHEMA, 'k')).indexes, ['a(a)', 'a_2(a,b)', 'b(b)!']);
  });

  it('adds and drops schemas, and leaves unknown tables alone', () => {
    const c = catalog();
    replay(
      c,
      'CREATE DATABASE reports; CREATE TABLE reports.daily (d DATE PRIMARY KEY); DROP DATABASE shop; ALTER TABLE nowhere ADD COLUMN x INT',
    );
    assert.equal(c.hasSchema('reports'), true);
    assert.ok(c.getTable('reports', 'daily'));
    assert.equal(c.hasSchema(SCHEMA), false);
    assert.equal(c.getTable(SCHEMA, 'nowhere'), undefined);
  });

  it('computes the table a statement leaves without changing the catalog', () => {
    const c = catalog();
    const [stmt] = prepareStatements('ALTER TABLE customers ADD COLUMN name VARCHAR(50) NOT NULL');
    const change = tableAfter(c, stmt, SCHEMA);
    assert.deepEqual(names(change?.after).columns, ['id', 'email', 'name']);
    assert.deepEqual(names(c.getTable(SCHEMA, 'customers')).columns, ['id', 'email']);
  });
});
