import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineRule } from '../../../src/review/define-rule.js';
import { prepareStatements, reviewSql } from '../../../src/review/engine.js';
import { expandPattern, expandShards, shardSets } from '../../../src/review/shards.js';
import type { SplitStatement } from '../../../src/review/types.js';

const split = (text: string): SplitStatement => ({ text, line: 1, column: 1, offset: 0, delimiter: ';' });

describe('expandPattern', () => {
  it('expands a numeric range, zero-padded when the start is', () => {
    const orders = expandPattern('orders_{0..511}');
    assert.equal(orders?.length, 512);
    assert.deepEqual([orders?.[0], orders?.[511]], ['orders_0', 'orders_511']);
    assert.deepEqual(expandPattern('log_{00..02}_v2'), ['log_00_v2', 'log_01_v2', 'log_02_v2']);
  });

  it('refuses backwards, absurd or non-patterns', () => {
    assert.equal(expandPattern('orders_{5..1}'), null);
    assert.equal(expandPattern('orders_{0..99999999}'), null);
    assert.equal(expandPattern('orders'), null);
  });
});

describe('expandShards', () => {
  const none = shardSets({});

  it('rewrites a pattern to its first shard and reports the set', () => {
    const { text, shards } = expandShards(split('ALTER TABLE `orders_{0..511}` ADD COLUMN note VARCHAR(20)'), none);
    assert.equal(text, 'ALTER TABLE `orders_0` ADD COLUMN note VARCHAR(20)');
    assert.equal(shards?.count, 512);
    assert.equal(shards?.pattern, 'orders_{0..511}');
    assert.equal(shards?.tables[511], 'orders_511');
  });

  it('leaves strings and comments alone', () => {
    const sql = "UPDATE orders_{0..3} SET note = 'orders_{0..3}' /* orders_{0..3} */ WHERE id = 1 -- orders_{0..3}";
    const { text } = expandShards(split(sql), none);
    assert.equal(text, "UPDATE orders_0 SET note = 'orders_{0..3}' /* orders_{0..3} */ WHERE id = 1 -- orders_{0..3}");
  });

  it('pairs several sharded tables by position', () => {
    const { text, shards } = expandShards(
      split('INSERT INTO items_{0..7} SELECT * FROM items_old_{0..7} WHERE id < 10'),
      none,
    );
    assert.equal(text, 'INSERT INTO items_0 SELECT * FROM items_old_0 WHERE id < 10');
    assert.equal(shards?.count, 8);
  });

  it('expands logical names from review.shards (pattern or list), qualified or not', () => {
    const sets = shardSets({ orders: 'orders_{0..511}', users: ['users_a', 'users_b'] });
    assert.equal(
      expandShards(split('DELETE FROM shop.orders WHERE orders.id = 1'), sets).text,
      'DELETE FROM shop.orders_0 WHERE orders_0.id = 1',
    );
    const users = expandShards(split('SELECT * FROM `Users`'), sets);
    assert.equal(users.text, 'SELECT * FROM `users_a`');
    assert.deepEqual(users.shards?.tables, ['users_a', 'users_b']);
    assert.equal(expandShards(split('SELECT * FROM orders_archive'), sets).shards, undefined);
  });
});

describe('a sharded statement in the engine', () => {
  it('expands orders_{0..511} to 512 tables and is reviewed once', async () => {
    let calls = 0;
    const counting = defineRule({
      id: 'test.counting',
      severity: 'notice',
      needs: 'text',
      summary: 'counts how often it runs',
      why: 'A test rule that counts the statements it sees.',
      fix: 'Nothing to fix.',
      check: ({ stmt }) => {
        calls++;
        return [{ message: `reviewed ${stmt.stripped}` }];
      },
    });
    const report = await reviewSql('ALTER TABLE orders_{0..511} ADD COLUMN note VARCHAR(20);', {
      rules: [{ rule: counting, level: 'notice', params: {} }],
    });
    assert.equal(calls, 1);
    assert.equal(report.statements.length, 1);
    assert.equal(report.statements[0].shards?.count, 512);
    assert.equal(report.statements[0].shards?.tables.length, 512);
    assert.equal(report.statements[0].findings[0].message, 'reviewed ALTER TABLE orders_0 ADD COLUMN note VARCHAR(20)');
    const [stmt] = prepareStatements('ALTER TABLE orders_{0..511} ADD COLUMN note VARCHAR(20)');
    assert.equal(stmt.parseError, null, 'the first shard is what gets parsed');
    assert.equal(stmt.kind, 'alter-table');
  });
});
