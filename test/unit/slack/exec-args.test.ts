import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExecArgs, splitRunAt } from '../../../commands/exec.js';

describe('splitRunAt: a trailing run time comes off, "at" inside the SQL stays', () => {
  const cases: Array<[string, { sql: string; runAt?: string }]> = [
    ['UPDATE t SET a = 1 WHERE id = 7 at 02:00', { sql: 'UPDATE t SET a = 1 WHERE id = 7', runAt: 'at 02:00' }],
    ['UPDATE t SET a = 1 WHERE id = 7 AT 2:30', { sql: 'UPDATE t SET a = 1 WHERE id = 7', runAt: 'AT 2:30' }],
    [
      'UPDATE t SET a = 1 WHERE id = 7 at 2026-11-25 01:30',
      { sql: 'UPDATE t SET a = 1 WHERE id = 7', runAt: 'at 2026-11-25 01:30' },
    ],
    [
      'UPDATE t SET a = 1 WHERE id = 7 at 2026-11-25T01:30',
      { sql: 'UPDATE t SET a = 1 WHERE id = 7', runAt: 'at 2026-11-25T01:30' },
    ],
    [
      'UPDATE t SET a = 1 WHERE id = 7 at tomorrow 02:00',
      { sql: 'UPDATE t SET a = 1 WHERE id = 7', runAt: 'at tomorrow 02:00' },
    ],
    [
      'UPDATE t SET a = 1 WHERE id = 7 tomorrow 02:00',
      { sql: 'UPDATE t SET a = 1 WHERE id = 7', runAt: 'tomorrow 02:00' },
    ],
    ['UPDATE t SET a = 1 WHERE id = 7 tonight', { sql: 'UPDATE t SET a = 1 WHERE id = 7', runAt: 'tonight' }],
    ['UPDATE t SET a = 1 WHERE id = 7 at tonight', { sql: 'UPDATE t SET a = 1 WHERE id = 7', runAt: 'at tonight' }],
    ['UPDATE t SET a = 1 WHERE id = 7 now', { sql: 'UPDATE t SET a = 1 WHERE id = 7', runAt: 'now' }],
    ['UPDATE t SET a = 1 WHERE id = 7; now', { sql: 'UPDATE t SET a = 1 WHERE id = 7;', runAt: 'now' }],
    ['UPDATE t SET a = 1 WHERE id = 7;\nat 02:00', { sql: 'UPDATE t SET a = 1 WHERE id = 7;', runAt: 'at 02:00' }],
    // Near misses are cut too, so the run-time parser can say what it can't read.
    ['UPDATE t SET a = 1 WHERE id = 7 at 2am', { sql: 'UPDATE t SET a = 1 WHERE id = 7', runAt: 'at 2am' }],
    ['UPDATE t SET a = 1 WHERE id = 7 at 25:00', { sql: 'UPDATE t SET a = 1 WHERE id = 7', runAt: 'at 25:00' }],
    // "at" and "now" that belong to the SQL.
    ["UPDATE t SET note = 'meet at 02:00' WHERE id = 7", { sql: "UPDATE t SET note = 'meet at 02:00' WHERE id = 7" }],
    [
      "UPDATE t SET a = 1 WHERE note = 'see you at 02:00'",
      { sql: "UPDATE t SET a = 1 WHERE note = 'see you at 02:00'" },
    ],
    ['UPDATE events SET starts_at = NOW() WHERE id = 1', { sql: 'UPDATE events SET starts_at = NOW() WHERE id = 1' }],
    ['SELECT at FROM t', { sql: 'SELECT at FROM t' }],
    ['UPDATE t AS at SET at.a = 1 WHERE at.id = 5', { sql: 'UPDATE t AS at SET at.a = 1 WHERE at.id = 5' }],
    ['UPDATE t SET a = now', { sql: 'UPDATE t SET a = now' }],
    ['DELETE FROM t WHERE created < now', { sql: 'DELETE FROM t WHERE created < now' }],
    ['SELECT a FROM t ORDER BY now', { sql: 'SELECT a FROM t ORDER BY now' }],
    ['UPDATE t SET a = 1', { sql: 'UPDATE t SET a = 1' }],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => assert.deepEqual(splitRunAt(text), expected));
  }
});

describe('ExecArgs', () => {
  it('reads the target, the SQL (unfenced) and the run time', () => {
    assert.deepEqual(ExecArgs.parse('prod.shop ```sql\nUPDATE t SET a = 1 WHERE id = 2\n``` at 02:00'), {
      target: { cluster: 'prod', schema: 'shop' },
      sql: 'UPDATE t SET a = 1 WHERE id = 2',
      runAt: 'at 02:00',
    });
    assert.deepEqual(ExecArgs.parse('prod.shop DELETE FROM t WHERE id < 3'), {
      target: { cluster: 'prod', schema: 'shop' },
      sql: 'DELETE FROM t WHERE id < 3',
    });
    // Slack's escapes are undone once, where the command comes in (dispatch): an entity left is what was typed.
    assert.deepEqual(ExecArgs.parse("prod.shop UPDATE t SET note = '&amp;' WHERE id = 3"), {
      target: { cluster: 'prod', schema: 'shop' },
      sql: "UPDATE t SET note = '&amp;' WHERE id = 3",
    });
  });

  it('opens the form when there is no SQL (or nothing at all)', () => {
    assert.deepEqual(ExecArgs.parse('prod.shop'), { target: { cluster: 'prod', schema: 'shop' }, sql: '' });
    assert.deepEqual(ExecArgs.parse('   '), { sql: '' });
  });

  it('refuses a missing target or a table as target, saying what to write', () => {
    const noTarget = ExecArgs.safeParse('UPDATE t SET a = 1');
    assert.ok(!noTarget.success);
    assert.match(noTarget.error.issues[0].message, /start with the target as cluster\.schema .*`UPDATE` is not one/);
    const table = ExecArgs.safeParse('prod.shop.orders DELETE FROM orders WHERE id = 1');
    assert.ok(!table.success);
    assert.match(table.error.issues[0].message, /the target of exec is cluster\.schema/);
  });
});
