import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import { prepareStatements } from '../../../src/review/engine.js';
import { shadowApply, type ShadowResult } from '../../../src/review/shadow.js';
import { createSchema, dropSchema, localPools } from './review-db.js';

const pools = localPools();
const pool = pools.primary('local');
let schema = '';

before(async () => {
  schema = await createSchema(
    pool,
    't_shadow',
    `
    CREATE TABLE orders (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, note VARCHAR(20), KEY idx_customer (customer_id));
    CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50));
    INSERT INTO customers VALUES (1, 'kept on the target');
  `,
  );
});
after(async () => {
  await dropSchema(pool, schema);
  await pools.closeAll();
});

async function schemaExists(name: string): Promise<boolean> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
    name,
  ]);
  return rows.length > 0;
}

async function run(sql: string): Promise<ShadowResult> {
  return shadowApply(prepareStatements(sql), schema, { scratch: pool, source: pool });
}

describe('shadowApply', () => {
  it('applies the DDL to copies, reads back the definitions and drops its schema', async () => {
    const result = await run(`
      ALTER TABLE orders ADD COLUMN total DECIMAL(10,2) NOT NULL DEFAULT 0, ADD UNIQUE KEY uk_note (note);
      CREATE TABLE items (id INT PRIMARY KEY, order_id INT UNSIGNED NOT NULL);
      RENAME TABLE customers TO clients;
      UPDATE orders SET note = 'not ddl: not run' WHERE id = 1;
    `);
    assert.match(result.shadowSchema, /^dbops_shadow_[0-9a-f]{12}$/);
    assert.equal(result.setupError, undefined);
    assert.deepEqual(
      [...result.statements.values()].map((s) => [s.index, s.status]),
      [
        [0, 'applied'],
        [1, 'applied'],
        [2, 'applied'],
      ],
    );
    assert.deepEqual(
      result.statements.get(0)?.changed?.map((t) => [t.schema, t.name, t.columns.map((c) => c.name).join(',')]),
      [[schema, 'orders', 'id,customer_id,note,total']],
    );
    assert.deepEqual(result.statements.get(2)?.removed, ['customers']);
    assert.match(result.definitions.get('orders') ?? '', /UNIQUE KEY `uk_note` \(`note`\)/);
    assert.deepEqual([...result.definitions.keys()].sort(), ['clients', 'items', 'orders']);
    assert.equal(await schemaExists(result.shadowSchema), false, 'the shadow schema is dropped');
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT name FROM \`${schema}\`.customers`);
    assert.equal(rows.length, 1, 'the target is untouched');
  });

  it("reports the server's error for bad DDL, goes on, and still drops its schema", async () => {
    const result = await run(
      'ALTER TABLE orders ADD COLUMN note INT; ALTER TABLE orders ADD INDEX idx_x (nope); ALTER TABLE orders ADD COLUMN ok INT',
    );
    assert.deepEqual(
      [...result.statements.values()].map((s) => s.status),
      ['failed', 'failed', 'applied'],
    );
    assert.equal(result.statements.get(0)?.error, 'duplicate column name `note`');
    assert.equal(result.statements.get(0)?.code, 'ER_DUP_FIELDNAME');
    assert.equal(result.statements.get(1)?.error, 'key column `nope` does not exist in the table');
    assert.equal(await schemaExists(result.shadowSchema), false);
  });

  it('runs no query of the DDL and never repeats what the server said (it can carry data)', async () => {
    const [rows] = await pool.query<RowDataPacket[]>('SELECT VERSION() AS v');
    const version = String(rows[0]?.v);
    const result = await run(
      [
        'CREATE TABLE leak SELECT extractvalue(1, concat(0x7e, version())) AS v',
        'ALTER TABLE orders ADD COLUMN z VARCHAR(100) DEFAULT (extractvalue(1, concat(0x7e, version())))',
      ].join(';\n'),
    );
    assert.equal(result.statements.get(0)?.status, 'skipped');
    assert.match(result.statements.get(0)?.reason ?? '', /copies rows with a SELECT/);
    assert.equal(result.statements.get(1)?.status, 'failed');
    assert.equal(result.statements.get(1)?.error, 'the server refused it (ER_UNKNOWN_ERROR)');
    assert.doesNotMatch(JSON.stringify([...result.statements.values()]), new RegExp(version.replace(/[.+]/g, '\\$&')));
  });

  it('names the target schema, not the shadow one, in errors and qualified names', async () => {
    const result = await run(`ALTER TABLE \`${schema}\`.orders ADD COLUMN customer_id INT`);
    assert.equal(result.statements.get(0)?.status, 'failed');
    assert.doesNotMatch(result.statements.get(0)?.error ?? '', /dbops_shadow/);
  });

  it('skips what it must not run: other schemas, databases, statements after USE', async () => {
    const result = await run(
      'CREATE DATABASE elsewhere; ALTER TABLE mysql.user ADD COLUMN x INT; USE other; ALTER TABLE orders ADD COLUMN y INT',
    );
    assert.deepEqual(
      [...result.statements.values()].map((s) => s.status),
      ['skipped', 'skipped', 'skipped'],
    );
    assert.equal(await schemaExists('elsewhere'), false);
  });

  it('reports a scratch server it cannot reach, and creates nothing', async () => {
    const unreachable = mysql.createPool({ host: '127.0.0.1', port: 1, connectTimeout: 1000 });
    try {
      const result = await shadowApply(prepareStatements('ALTER TABLE orders ADD COLUMN z INT'), schema, {
        scratch: unreachable,
        source: pool,
      });
      assert.match(result.setupError ?? '', /ECONNREFUSED|connect/i);
      assert.equal(result.statements.size, 0);
    } finally {
      await unreachable.end();
    }
  });
});
