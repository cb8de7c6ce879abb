import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RowDataPacket } from 'mysql2/promise';
import { DbopsConfig } from '../../../src/config/schema.js';
import { ClusterPools } from '../../../src/db/pools.js';
import { DbopsError } from '../../../src/kernel/errors.js';
import { loadCatalog, referencedSchemas, type Queryable } from '../../../src/review/catalog/load-catalog.js';
import { prepareStatements } from '../../../src/review/engine.js';
import { createReviewer } from '../../../src/review/service.js';
import { createSchema, dropSchema, localPools } from './review-db.js';

const pools = localPools();
const pool = pools.primary('local');
const schemas: string[] = [];

before(async () => {
  schemas.push(
    await createSchema(
      pool,
      't_svc',
      `
    CREATE TABLE orders (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, note VARCHAR(20) DEFAULT 'n', KEY idx_customer (customer_id));
    INSERT INTO orders (customer_id) SELECT seq % 50 FROM seq_1_to_2000;
    CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL);
    CREATE VIEW big_orders AS SELECT id FROM orders WHERE id > 100;
  `,
    ),
  );
  schemas.push(await createSchema(pool, 't_svc2', 'CREATE TABLE audit (id INT PRIMARY KEY)'));
});
after(async () => {
  for (const s of schemas) await dropSchema(pool, s);
  await pools.closeAll();
});

function config(extra: Record<string, unknown> = {}) {
  return DbopsConfig.parse({
    slack: { approval_channel: 'C0APPROVE', alert_channel: 'C0ALERT' },
    clusters: {
      local: { env: 'test', primary: { host: '127.0.0.1', port: 3306 }, user: 'root' },
      down: {
        env: 'prod',
        primary: { host: '127.0.0.1', port: 1 },
        user: 'dbops',
        password_env: 'DBOPS_DOWN_PASSWORD',
      },
    },
    ...extra,
  });
}

describe('loadCatalog', () => {
  it('reads tables, columns, indexes, rows and sizes with one query per information_schema table per schema', async () => {
    const sent: string[] = [];
    const counting: Queryable = {
      query: <T extends RowDataPacket[]>(sql: string, values?: unknown[]) => {
        sent.push(sql);
        return pool.query<T>(sql, values);
      },
    };
    const catalog = await loadCatalog(counting, [...schemas, 'no_such_schema_here']);
    assert.equal(sent.length, 2 + 3 * schemas.length, sent.join('\n'));
    assert.equal(catalog.hasSchema('no_such_schema_here'), false);
    const orders = catalog.getTable(schemas[0], 'orders');
    assert.deepEqual(
      orders?.columns.map((c) => [c.name, c.columnType, c.nullable, c.defaultValue, c.hasDefault, c.autoIncrement]),
      [
        ['id', 'int(10) unsigned', false, null, false, true],
        ['customer_id', 'int(11)', false, null, false, false],
        ['note', 'varchar(20)', true, 'n', true, false],
      ],
    );
    assert.deepEqual(
      orders?.indexes.map((i) => [i.name, i.columns, i.unique, i.primary]),
      [
        ['idx_customer', ['customer_id'], false, false],
        ['PRIMARY', ['id'], true, true],
      ],
    );
    assert.ok((orders?.rows ?? 0) > 1000 && (orders?.dataBytes ?? 0) > 0);
    assert.equal(catalog.getTable(schemas[0], 'big_orders')?.view, true);
    assert.ok(catalog.getTable(schemas[1], 'audit'));
  });

  it('finds the schemas a batch references, including DDL the parser cannot read', () => {
    const batch = prepareStatements(
      'USE reports; SELECT * FROM shop.orders o JOIN crm.customers c ON c.id = o.cid; ALTER TABLE logs.events ADD UNIQUE KEY uk (a); DROP DATABASE old_stuff',
    );
    assert.deepEqual(referencedSchemas(batch, 'main').sort(), ['crm', 'logs', 'main', 'old_stuff', 'reports', 'shop']);
  });
});

describe('createReviewer', () => {
  it("applies the target environment's profile, and the base rules without a target", async () => {
    const reviewer = createReviewer(config({ review: { profiles: { test: { 'table.disallow-drop': 'off' } } } }), {
      pools,
      secrets: {},
    });
    const sql = 'DROP TABLE customers';
    const onTest = await reviewer.review({ sql, target: { cluster: 'local', schema: schemas[0] } });
    const plain = await reviewer.review({ sql });
    const rulesOf = (r: typeof plain) => r.statements[0].findings.map((f) => f.rule);
    assert.ok(!rulesOf(onTest).includes('table.disallow-drop'), 'off in the test profile');
    assert.ok(rulesOf(plain).includes('table.disallow-drop'));
  });

  it('runs the catalog and EXPLAIN rules against the target', async () => {
    const reviewer = createReviewer(config({ review: { rules: { 'statement.affected-row-limit': { max: 100 } } } }), {
      pools,
      secrets: {},
    });
    const report = await reviewer.review({
      sql: "UPDATE orders SET note = NULL WHERE note = 'n'; SELECT nam FROM customers",
      target: { cluster: 'local', schema: schemas[0] },
      purpose: 'change',
    });
    const [update, select] = report.statements.map((s) => s.findings.map((f) => f.rule));
    assert.ok(update.includes('statement.affected-row-limit'), update.join(', '));
    assert.ok(select.includes('builtin.walk-through'), select.join(', '));
  });

  it('says clearly when the cluster is unknown or unreachable, without the password', async () => {
    const secrets = { DBOPS_DOWN_PASSWORD: 's3cret-pw' };
    const ownPools = new ClusterPools(config().clusters, { secrets });
    const reviewer = createReviewer(config(), { pools: ownPools, secrets });
    try {
      await assert.rejects(
        reviewer.review({ sql: 'SELECT 1', target: { cluster: 'nope', schema: 'x' } }),
        (err: unknown) => err instanceof DbopsError && err.code === 'not_found',
      );
      await assert.rejects(
        reviewer.review({ sql: 'SELECT 1', target: { cluster: 'down', schema: 'shop' } }),
        (err: unknown) => {
          assert.ok(err instanceof DbopsError && err.code === 'unavailable');
          assert.match(err.message, /cannot read the schema of down\.shop: .*127\.0\.0\.1:1/);
          assert.doesNotMatch(err.message, /s3cret-pw/);
          return true;
        },
      );
    } finally {
      await ownPools.closeAll();
    }
  });
});
