import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RowDataPacket } from 'mysql2/promise';
import { newInstallationId } from '../../../src/db/installation.js';
import { executableStatements } from '../../../src/execute/analyze.js';
import { quoteIdent } from '../../../src/execute/names.js';
import { planRollback } from '../../../src/execute/rollback-sql.js';
import { runStatements } from '../../../src/execute/run.js';
import { createOrders, openTarget, request, type TargetDb } from './fixtures.js';

/**
 * The execution log and the backups on the target belong to one installation, and a logged
 * statement is done only for the text it ran.
 */
describe('the execution log keyed by installation and statement text', () => {
  let target: TargetDb;
  const deps = () => ({ pool: target.pool, settings: target.settings, signal: new AbortController().signal });
  const note = async (id: number): Promise<string | null> => {
    const [rows] = await target.pool.query<RowDataPacket[]>(
      `SELECT note FROM ${quoteIdent(target.schema)}.orders WHERE id = ?`,
      [id],
    );
    return rows[0]?.note ?? null;
  };

  before(async () => {
    target = await openTarget();
    await createOrders(target, 100);
  });
  after(() => target.close());

  it("another installation's ticket of the same number is not this one's: it runs, is backed up and rolls back apart", async () => {
    const ours = request(target, "UPDATE orders SET note = 'ours' WHERE id BETWEEN 10 AND 12");
    const other = newInstallationId();
    const theirs = {
      ...ours,
      installation: other,
      sql: "UPDATE orders SET note = 'theirs' WHERE id BETWEEN 13 AND 14",
    };

    const first = await runStatements(theirs, deps());
    assert.equal(first.outcome, 'succeeded', first.failure ?? '');
    const mine = await runStatements(ours, deps());
    assert.equal(mine.outcome, 'succeeded', mine.failure ?? '');
    assert.equal(mine.results[0].status, 'done', 'not skipped as the other installation’s statement 1');
    assert.equal(mine.results[0].affectedRows, 3);
    assert.equal(mine.results[0].backupTable, `${target.installation}_t${ours.ticketId}_1_orders`);
    assert.equal(first.results[0].backupTable, `${other}_t${ours.ticketId}_1_orders`);

    const plan = await planRollback(target.pool, target.scope, ours.ticketId);
    assert.deepEqual(
      plan.steps.map((s) => [s.backup.name, s.rows]),
      [[`${target.installation}_t${ours.ticketId}_1_orders`, 3]],
    );
    const theirPlan = await planRollback(target.pool, { ...target.scope, installation: other }, ours.ticketId);
    assert.deepEqual(
      theirPlan.steps.map((s) => [s.backup.name, s.rows]),
      [[`${other}_t${ours.ticketId}_1_orders`, 2]],
    );
  });

  it('a logged statement counts as done only for the text it ran; other text stops the ticket, and nothing runs', async () => {
    const req = request(
      target,
      "UPDATE orders SET note = 'v1' WHERE id = 20;\nUPDATE orders SET note = 'x' WHERE id = 21",
    );
    assert.equal((await runStatements(req, deps())).outcome, 'succeeded');
    const changed = await runStatements(
      {
        ...req,
        attempt: 2,
        sql: "UPDATE orders SET note = 'v2' WHERE id = 20;\nUPDATE orders SET note = 'y' WHERE id = 21",
      },
      deps(),
    );
    assert.equal(changed.outcome, 'failed');
    assert.deepEqual(
      changed.results.map((r) => r.status),
      ['failed', 'not-run'],
    );
    assert.match(
      changed.results[0].error ?? '',
      new RegExp(
        `records statement 1 of T-${req.ticketId} \\(attempt 1\\) with other text \\(\`UPDATE orders SET note = 'v1' WHERE id = 20\`\\), so dbops neither takes it as done nor runs it again`,
      ),
    );
    assert.equal(await note(20), 'v1');
    assert.equal(await note(21), 'x');
  });

  it('the log of dbops before installation ids is never read as done; a statement it holds word for word is refused', async () => {
    await target.pool.query(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(target.backupSchema)}`);
    await target.pool.query(`CREATE TABLE ${quoteIdent(target.backupSchema)}.executions (
      ticket_id BIGINT UNSIGNED NOT NULL,
      statement_number INT UNSIGNED NOT NULL,
      statement_text MEDIUMTEXT NOT NULL,
      PRIMARY KEY (ticket_id, statement_number)
    )`);
    const legacy = async (ticketId: number, sql: string) =>
      target.pool.query(`INSERT INTO ${quoteIdent(target.backupSchema)}.executions VALUES (?, 1, ?)`, [
        ticketId,
        executableStatements(sql)[0].text,
      ]);

    const same = request(target, "UPDATE orders SET note = 'again' WHERE id = 30");
    await legacy(same.ticketId, same.sql);
    const refused = await runStatements(same, deps());
    assert.equal(refused.outcome, 'failed');
    assert.match(
      refused.results[0].error ?? '',
      /before installation ids .* with this very text\. It may have run already/,
    );
    assert.notEqual(await note(30), 'again');
    const plan = await planRollback(target.pool, target.scope, same.ticketId);
    assert.deepEqual(
      [plan.steps, plan.legacyStatements],
      [[], 1],
      'a rollback plans nothing from the old log, and says it holds a statement of that number',
    );

    const different = request(target, "UPDATE orders SET note = 'fresh' WHERE id = 31");
    await legacy(different.ticketId, "UPDATE orders SET note = 'something else' WHERE id = 31");
    const ran = await runStatements(different, deps());
    assert.equal(ran.outcome, 'succeeded', ran.failure ?? '');
    assert.equal(ran.results[0].status, 'done', 'the old log is not read as this ticket having run');
    assert.equal(await note(31), 'fresh');
  });
});
