import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { executableStatements } from '../../../src/execute/analyze.js';
import { logNumber, planShards, shardRange } from '../../../src/execute/shard-plan.js';

describe('planShards', () => {
  it('runs a ticket that names no sharded table once', () => {
    assert.deepEqual(planShards('UPDATE orders SET a = 1 WHERE id = 2', {}), { sharded: false });
  });

  it('plans a pattern written in the SQL over its shards, in shard order', () => {
    const plan = planShards(
      'SET SESSION lock_wait_timeout = 5;\nALTER TABLE orders_{0..3} ADD COLUMN note INT;\nUPDATE orders_{0..3} SET note = 1',
      {},
    );
    assert.deepEqual(plan, {
      sharded: true,
      tables: ['orders_0', 'orders_1', 'orders_2', 'orders_3'],
      patterns: ['orders_{0..3}'],
      statements: 3,
    });
  });

  it('plans logical names of review.shards, and schemas written as a pattern', () => {
    const logical = planShards('DELETE FROM users WHERE id = 1', { users: ['users_a', 'users_b'] });
    assert.ok('tables' in logical);
    assert.deepEqual(logical.tables, ['users_a', 'users_b']);
    const schemas = planShards('UPDATE shop_{00..02}.orders SET a = 1', {});
    assert.ok('tables' in schemas);
    assert.deepEqual(schemas.tables, ['shop_00', 'shop_01', 'shop_02']);
  });

  it('refuses sets of different sizes, which cannot pair up shard by shard', () => {
    const plan = planShards('UPDATE orders_{0..3} SET a = 1;\nUPDATE items_{0..7} SET b = 2', {});
    assert.ok('refusal' in plan);
    assert.match(
      plan.refusal,
      /statement 2 names `items_\{0\.\.7\}` \(8 shards\) next to `orders_\{0\.\.3\}` \(4 shards\)/,
    );
    assert.match(plan.refusal, /Nothing was run/);
  });

  it('refuses a statement on no sharded table next to sharded ones (it would run once per shard)', () => {
    const plan = planShards('UPDATE orders_{0..3} SET a = 1;\nUPDATE settings SET v = v + 1', {});
    assert.ok('refusal' in plan);
    assert.match(plan.refusal, /statement 2 names no sharded table, so it would run once on each of the 4 shards/);
  });

  it('refuses a shard list that names a table twice', () => {
    const plan = planShards('DELETE FROM users WHERE id = 1', { users: ['users_a', 'users_a'] });
    assert.ok('refusal' in plan);
    assert.match(plan.refusal, /the shards of `users` list `users_a` twice; fix review.shards/);
  });
});

describe('the statements of one shard', () => {
  const sql =
    "UPDATE orders_{0..3} SET note = 'orders_{0..3}' WHERE id = 1;\nDELETE FROM `orders_{0..3}` o WHERE o.id = 2";

  it('replace every sharded name by that shard’s table, strings left alone', () => {
    const statements = executableStatements(sql, {}, 2);
    assert.deepEqual(
      statements.map((s) => s.text),
      ["UPDATE orders_2 SET note = 'orders_{0..3}' WHERE id = 1", 'DELETE FROM `orders_2` o WHERE o.id = 2'],
    );
    assert.equal(statements[0].sharded, undefined, 'a shard’s statement is not refused as sharded');
    assert.deepEqual(
      statements.map((s) => s.kind),
      ['update', 'delete'],
    );
  });

  it('are logged under numbers of their own, shard by shard, and shown with their own', () => {
    assert.deepEqual(
      executableStatements(sql, {}, 2).map((s) => [s.number, s.logNumber]),
      [
        [1, 5],
        [2, 6],
      ],
    );
    assert.deepEqual(
      executableStatements(sql, {}, 0).map((s) => s.logNumber),
      [1, 2],
    );
    assert.deepEqual(
      executableStatements('UPDATE t SET a = 1; UPDATE t SET a = 2').map((s) => s.logNumber),
      [1, 2],
    );
    assert.equal(logNumber(3, undefined, 5), 3);
    assert.equal(logNumber(3, 511, 5), 2558);
  });
});

describe('shardRange', () => {
  const tables = ['o_0', 'o_1', 'o_2', 'o_3', 'o_4'];
  it('names one, two or a span of shards, and nothing for an empty range', () => {
    assert.equal(shardRange(tables, 0, -1), '');
    assert.equal(shardRange(tables, 2, 2), 'o_2');
    assert.equal(shardRange(tables, 0, 1), 'o_0, o_1');
    assert.equal(shardRange(tables, 1, 4), 'o_1 … o_4 (4)');
  });
});
