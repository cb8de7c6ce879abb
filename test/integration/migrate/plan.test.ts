import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { parseConfig } from '../../../src/config/load.js';
import { ClusterPools } from '../../../src/db/pools.js';
import { UsageError } from '../../../src/kernel/errors.js';
import { inspectMigration } from '../../../src/migrate/plan.js';
import { createMigratePlanner, type MigratePlanner } from '../../../src/migrate/planner.js';
import { migrateApprovals } from '../../../src/tickets/policy.js';
import { testConfigYaml } from '../../support/harness.js';
import { connect, schemaPair, spec } from './support.js';

describe('migration checks before a ticket', () => {
  let conn: Connection;
  let pair: Awaited<ReturnType<typeof schemaPair>>;
  let planner: MigratePlanner;
  let pools: ClusterPools;
  const db = () => ({ source: conn, destination: conn });

  before(async () => {
    conn = await connect();
    pair = await schemaPair(conn, 'dbops_plan');
    await conn.query(`USE \`${pair.source}\``);
    await conn.query(`CREATE TABLE orders (id INT PRIMARY KEY, status INT, created_at DATETIME); INSERT INTO orders SELECT seq, seq % 3, NOW() FROM seq_1_to_30;
      CREATE TABLE items (id INT PRIMARY KEY, order_id INT); CREATE VIEW v_orders AS SELECT id FROM orders; ANALYZE TABLE orders, items`);
    await conn.query(`USE \`${pair.destination}\``);
    await conn.query(`CREATE TABLE orders (id INT PRIMARY KEY, status INT); INSERT INTO orders VALUES (1, 1);
      CREATE TABLE notes (id INT PRIMARY KEY, order_id INT, CONSTRAINT fk_notes_order FOREIGN KEY (order_id) REFERENCES orders (id))`);
    // `test` and `staging` are both the local MariaDB; prod too, and it is never a destination.
    const config = parseConfig(
      testConfigYaml('  staging:\n    env: staging\n    primary: { host: 127.0.0.1, port: 3306 }\n    user: root\n'),
    );
    pools = new ClusterPools(config.clusters, { secrets: {} });
    planner = createMigratePlanner(config, {
      pools,
      secrets: {},
      approvals: (source, destination) => migrateApprovals(source, destination, config.policy),
    });
  });
  after(async () => {
    await pools.closeAll();
    await pair.drop();
    await conn.end();
  });

  it('estimates rows and bytes per table, and shows what replace would replace', async () => {
    const inspection = await inspectMigration(
      spec(pair.source, pair.destination, { tables: ['orders', 'items'], mode: 'replace' }),
      db(),
    );
    const orders = inspection.tables.find((t) => t.name === 'orders');
    assert.ok(orders && orders.rows > 0 && orders.bytes > 0);
    assert.ok(orders.existing, 'the destination has orders');
    assert.equal(inspection.tables.find((t) => t.name === 'items')?.existing, null);
    // notes (not copied) has a foreign key to orders, which replace swaps out: handled, not refused.
    assert.deepEqual(inspection.problems, []);
    assert.deepEqual(inspection.outsideKeys, [
      { schema: pair.destination, table: 'notes', constraint: 'fk_notes_order', references: 'orders' },
    ]);
  });

  it('names unknown schemas and tables, with the likely typo', async () => {
    const noSchema = await inspectMigration(spec(`${pair.source}x`, pair.destination), db());
    assert.match(
      noSchema.problems[0],
      new RegExp(`schema \`${pair.source}x\` does not exist on local — did you mean \`${pair.source}\`\\?`),
    );
    const noTable = await inspectMigration(
      spec(pair.source, pair.destination, { tables: ['ordrs', 'v_orders'] }),
      db(),
    );
    assert.match(noTable.problems.join('\n'), /table `ordrs` is not in local\.\S+ — did you mean `orders`\?/);
    assert.match(noTable.problems.join('\n'), /`v_orders` .* is a view/);
    const [defaults] = await conn.query<RowDataPacket[]>(
      'SELECT DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [pair.source],
    );
    const sourceCollation = String(defaults[0].co);
    const noDestination = await inspectMigration(spec(pair.source, 'dbops_nowhere_at_all'), db());
    assert.deepEqual(noDestination.problems, [], 'a missing destination is created by the job');
    assert.deepEqual(noDestination.createsSchema, { charset: 'utf8mb4', collation: sourceCollation });
  });

  it('checks the where on every table from its parse tree, and refuses one that could escape its parentheses', async () => {
    const bad = await inspectMigration(
      spec(pair.source, pair.destination, { tables: ['orders', 'items'], where: 'status = 1', mode: 'replace' }),
      db(),
    );
    assert.match(bad.problems.join('\n'), /where `status = 1` cannot be used: `items` has no column `status`\.$/m);
    const breakout = await inspectMigration(spec(pair.source, pair.destination, { where: '1=1) OR (1=1' }), db());
    assert.match(breakout.problems.join('\n'), /where: it has a `\)` without its `\(`/);
  });

  it('fail mode refuses existing tables; append needs their columns', async () => {
    const fail = await inspectMigration(
      spec(pair.source, pair.destination, { tables: ['orders'], mode: 'fail' }),
      db(),
    );
    assert.match(fail.problems[0], /`orders` already exists in local\.\S+ .*mode replace/);
    const append = await inspectMigration(
      spec(pair.source, pair.destination, { tables: ['orders'], mode: 'append' }),
      db(),
    );
    assert.match(append.problems[0], /`orders` in local\.\S+ lacks column `created_at`/);
  });

  it('the planner refuses prod as a destination, unknown clusters, and a schema copied onto itself', async () => {
    const refusal = (p: Promise<unknown>, why: RegExp) =>
      assert.rejects(p, (err: unknown) => err instanceof UsageError && why.test(err.message));
    await refusal(
      planner.check({
        ...spec(pair.source, pair.destination),
        source: { cluster: 'test', schema: pair.source },
        destination: { cluster: 'prod', schema: pair.destination },
      }),
      /may not write into prod .*policy\.migrate_into allows test, dev, staging/,
    );
    await refusal(
      planner.check({
        ...spec(pair.source, pair.destination),
        source: { cluster: 'prd', schema: pair.source },
        destination: { cluster: 'test', schema: pair.destination },
      }),
      /cluster `prd` is not in dbops\.yml — did you mean `prod`\?/,
    );
    await refusal(
      planner.check({
        ...spec(pair.source, pair.source),
        source: { cluster: 'prod', schema: pair.source },
        destination: { cluster: 'test', schema: pair.source },
      }),
      /same schema/,
    );
    await refusal(
      planner.check({
        ...spec(pair.source, pair.destination, { tables: ['nope'] }),
        source: { cluster: 'prod', schema: pair.source },
        destination: { cluster: 'test', schema: pair.destination },
      }),
      /can't go ahead:\n• table `nope` is not in prod\./,
    );
  });

  it('the planner passes a good request and asks for a DBA when data leaves its environment', async () => {
    const fromProd = await planner.check({
      ...spec(pair.source, pair.destination, { tables: ['items'] }),
      source: { cluster: 'prod', schema: pair.source },
      destination: { cluster: 'test', schema: pair.destination },
    });
    assert.equal(fromProd.minApprovals, 1);
    assert.equal(fromProd.destinationEnv, 'test');
    const withinTest = await planner.check({
      ...spec(pair.source, pair.destination, { tables: ['items'] }),
      source: { cluster: 'test', schema: pair.source },
      destination: { cluster: 'test', schema: pair.destination },
    });
    assert.equal(withinTest.minApprovals, 0);
    const intoStaging = await planner.check({
      ...spec(pair.source, pair.destination, { tables: ['items'] }),
      source: { cluster: 'test', schema: pair.source },
      destination: { cluster: 'staging', schema: pair.destination },
    });
    assert.equal(intoStaging.minApprovals, 1);
  });
});
