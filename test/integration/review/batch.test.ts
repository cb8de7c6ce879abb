import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { DbopsConfig } from '../../../src/config/schema.js';
import { createReviewer, type Reviewer } from '../../../src/review/service.js';
import { createSchema, dropSchema, localPools } from './review-db.js';

/**
 * One batch with everything that makes batches hard: a statement the parser cannot read, a
 * DELIMITER block, a DROP hidden behind a comment and a sharded table, reviewed through the service
 * against a real schema (catalog, EXPLAIN and the shadow check on the local MariaDB).
 */
const BATCH = `SELEC * FROM orders_0;
DELIMITER $$
CREATE TRIGGER trg_total BEFORE INSERT ON orders_0 FOR EACH ROW
BEGIN
  SET NEW.total = 0;
END$$
DELIMITER ;
/* harmless cleanup */ DROP TABLE orders_1;
ALTER TABLE orders_{0..3} ADD COLUMN note VARCHAR(20);
UPDATE orders_{0..3} SET note = 'x' WHERE id = 1;
SELECT id, nope FROM orders_{0..3} WHERE id = 2;
`;

const pools = localPools();
let schema = '';
let reviewer: Reviewer;

before(async () => {
  schema = await createSchema(
    pools.primary('local'),
    't_batch',
    'CREATE TABLE orders_0 (id INT PRIMARY KEY, total INT); CREATE TABLE orders_1 LIKE orders_0; CREATE TABLE orders_2 LIKE orders_0; CREATE TABLE orders_3 LIKE orders_0',
  );
  const config = DbopsConfig.parse({
    slack: { approval_channel: 'C0APPROVE', alert_channel: 'C0ALERT' },
    clusters: { local: { env: 'test', primary: { host: '127.0.0.1', port: 3306 }, user: 'root' } },
    review: { scratch_cluster: 'local' },
  });
  reviewer = createReviewer(config, { pools, secrets: {} });
});
after(async () => {
  await dropSchema(pools.primary('local'), schema);
  await pools.closeAll();
});

it('reviews every statement of a mixed batch in order', async () => {
  const report = await reviewer.review({ sql: BATCH, target: { cluster: 'local', schema }, purpose: 'change' });
  const rulesOf = (i: number) => report.statements[i].findings.map((f) => f.rule);
  assert.deepEqual(
    report.statements.map((s) => [s.index, s.line, s.kind]),
    [
      [0, 1, 'other'],
      [1, 3, 'create-trigger'],
      [2, 8, 'drop-table'],
      [3, 9, 'alter-table'],
      [4, 10, 'update'],
      [5, 11, 'select'],
    ],
  );
  assert.equal(report.target, `local.${schema}`);

  // The parse error is reported where it is, and the statements after it are still reviewed.
  const syntax = report.statements[0].findings.find((f) => f.rule === 'statement.syntax');
  assert.ok(syntax, 'statement.syntax reports SELEC');
  assert.equal(syntax.line, 1);

  // The DELIMITER block is one statement: the trigger body's `;` does not split it.
  assert.match(report.statements[1].sql, /^CREATE TRIGGER[\s\S]*END$/);

  // The comment does not hide the DROP.
  assert.ok(rulesOf(2).includes('table.disallow-drop'), `DROP found: ${rulesOf(2).join(', ')}`);
  assert.ok(!rulesOf(2).includes('builtin.walk-through'), 'orders_1 exists on the target');

  // The sharded ALTER is reviewed once, on orders_0, and stands for the four shards.
  assert.deepEqual(report.statements[3].shards, {
    pattern: 'orders_{0..3}',
    count: 4,
    tables: ['orders_0', 'orders_1', 'orders_2', 'orders_3'],
  });
  assert.equal(report.statements[3].sql, 'ALTER TABLE orders_0 ADD COLUMN note VARCHAR(20)');
  assert.ok(!rulesOf(3).includes('builtin.shadow-apply'), 'the shadow check accepts the ALTER');
  assert.ok(!rulesOf(3).includes('builtin.walk-through'));

  // The UPDATE sees the column the ALTER added earlier in the batch.
  assert.equal(report.statements[4].shards?.count, 4);
  assert.ok(!rulesOf(4).includes('builtin.walk-through'), `UPDATE findings: ${rulesOf(4).join(', ')}`);
  assert.ok(
    !rulesOf(4).includes('statement.dml-dry-run'),
    'not EXPLAINed against the server, which lacks the column yet',
  );

  // A missing column on a shard is still found.
  const missing = report.statements[5].findings.find((f) => f.rule === 'builtin.walk-through');
  assert.equal(missing?.message, 'Column `nope` does not exist in `orders_0`.');
  assert.ok(report.summary.errors >= 2);
});
