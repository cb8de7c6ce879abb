import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogEntry } from '../../../src/execute/execution-log.js';
import { planFromLog, rollbackSql } from '../../../src/execute/rollback-sql.js';

const entry = (e: Partial<LogEntry>): LogEntry => ({
  installation: 'k3x9m2q7za',
  ticketId: 42,
  statement: 1,
  attempt: 1,
  verb: 'update',
  table: { schema: 'shop', name: 'orders' },
  backupTable: null,
  backupKind: null,
  keyColumns: ['id'],
  restoreColumns: [],
  backupColumns: [],
  rowsSaved: null,
  rowsAffected: 0,
  statementText: '',
  statementHash: '',
  rolledBackBy: null,
  ...e,
});

describe('the rollback plan and its SQL', () => {
  const log = [
    entry({
      statement: 1,
      verb: 'update',
      backupTable: 't42_1_orders',
      backupKind: 'rows',
      restoreColumns: ['status', 'updated_at'],
      backupColumns: ['id', 'status', 'updated_at'],
      rowsSaved: 3,
      rowsAffected: 3,
      statementText: 'UPDATE orders SET status = 2 WHERE id < 4',
    }),
    entry({
      statement: 2,
      verb: 'alter',
      table: { schema: 'shop', name: 'orders' },
      statementText: 'ALTER TABLE orders ADD COLUMN c INT',
    }),
    entry({
      statement: 3,
      verb: 'delete',
      table: { schema: 'shop', name: 'items' },
      keyColumns: ['order_id', 'n'],
      backupTable: 't42_3_items',
      backupKind: 'rows',
      backupColumns: ['order_id', 'n', 'sku'],
      rowsSaved: 5,
      rowsAffected: 5,
      statementText: 'DELETE FROM items WHERE order_id = 1',
    }),
    entry({
      statement: 4,
      verb: 'insert',
      table: { schema: 'shop', name: 'items' },
      keyColumns: ['order_id', 'n'],
      backupTable: 't42_4_items',
      backupKind: 'keys',
      backupColumns: ['order_id', 'n'],
      rowsSaved: 2,
      rowsAffected: 2,
      statementText: 'INSERT INTO items …',
    }),
  ];

  it('undoes the last statement first and says what it cannot undo', () => {
    const plan = planFromLog(42, 'dbops_backup', log);
    assert.deepEqual(
      plan.steps.map((s) => [s.statement, s.kind]),
      [
        [4, 'remove-inserted'],
        [3, 'restore-deleted'],
        [1, 'restore-updated'],
      ],
    );
    assert.deepEqual(plan.notUndoable, [{ statement: 2, what: 'ALTER on shop.orders (no backup)' }]);
    assert.equal(plan.rows, 10);
  });

  it('writes one set-based statement per step, from the backup tables', () => {
    const statements = rollbackSql(planFromLog(42, 'dbops_backup', log)).split(';\n\n');
    assert.match(
      statements[0],
      /DELETE FROM `shop`\.`items` WHERE \(`order_id`, `n`\) IN \(SELECT `order_id`, `n` FROM `dbops_backup`\.`t42_4_items`\)$/,
    );
    assert.match(
      statements[1],
      /INSERT INTO `shop`\.`items` \(`order_id`, `n`, `sku`\) SELECT `order_id`, `n`, `sku` FROM `dbops_backup`\.`t42_3_items`$/,
    );
    assert.match(
      statements[2],
      /UPDATE `shop`\.`orders` AS t SET t\.`status` = \(SELECT b\.`status` FROM `dbops_backup`\.`t42_1_orders` AS b WHERE b\.`id` = t\.`id`\),\n {4}t\.`updated_at` = \(SELECT b\.`updated_at` FROM `dbops_backup`\.`t42_1_orders` AS b WHERE b\.`id` = t\.`id`\)\nWHERE t\.`id` IN \(SELECT `id` FROM `dbops_backup`\.`t42_1_orders`\);$/,
    );
    assert.match(statements[2], /^-- undo T-42 statement 1: UPDATE orders SET status = 2 WHERE id < 4 \(3 rows\)\n/);
  });

  it('knows when the ticket was rolled back already', () => {
    assert.equal(
      planFromLog(
        42,
        'dbops_backup',
        log.map((e) => ({ ...e, rolledBackBy: 43 })),
      ).rolledBackBy,
      43,
    );
  });
});
