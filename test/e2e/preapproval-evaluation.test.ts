import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { DEV, DEV_CHANNEL, dropDatabase, startHarness, type Harness } from '../support/harness.js';
import { approvalMessage, openTicketReader, refIn, slash, ticketOf } from '../support/ticket-flow.js';

/**
 * Issue 12, item 1: nothing a user wrote is evaluated on a target before approval. Each attack of
 * the issue, through the real bot over signed HTTP against a schema of this test's own on the local
 * MariaDB: a `secrets` table, a stored function `evil()` that writes, a named lock, an account's
 * password hash, a file on the server. None of them may reach any Slack call, write or stay held.
 */
describe('nothing a user wrote is evaluated on a target before approval', () => {
  const suffix = randomBytes(4).toString('hex');
  const schema = `dbops_pre_${suffix}`;
  const destination = `dbops_pre_${suffix}_dst`;
  const account = `dbops_pre_${suffix}`;
  const lock = `app_lock_${suffix}`;
  const token = `tok${randomBytes(8).toString('hex')}`;
  const fileToken = `file${randomBytes(8).toString('hex')}`;
  const file = join(tmpdir(), `dbops_pre_${suffix}.txt`);
  let hash = '';
  let conn: Connection;
  let h: Harness;
  let reader: Awaited<ReturnType<typeof openTicketReader>>;

  before(async () => {
    conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root', multipleStatements: true });
    await conn.query(`CREATE DATABASE \`${schema}\`; CREATE DATABASE \`${destination}\`; USE \`${schema}\``);
    await conn.query(
      `CREATE TABLE orders (id INT PRIMARY KEY, s VARCHAR(20) NOT NULL DEFAULT '', x INT) COMMENT 'orders';
       INSERT INTO orders (id, x) SELECT seq, seq FROM seq_1_to_20;
       CREATE TABLE secrets (token VARCHAR(64)); INSERT INTO secrets VALUES ('${token}');
       CREATE TABLE evil_log (n INT);
       CREATE FUNCTION evil() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO evil_log VALUES (1); RETURN 1; END`,
    );
    await conn.query(`CREATE USER '${account}'@'localhost' IDENTIFIED BY ?`, [randomBytes(12).toString('hex')]);
    const [users] = await conn.query<RowDataPacket[]>(
      "SELECT authentication_string AS hash FROM mysql.user WHERE User = ? AND Host = 'localhost'",
      [account],
    );
    hash = String(users[0]?.hash);
    assert.match(hash, /^\*[0-9A-F]{40}$/, 'the account has a password hash to protect');
    await writeFile(file, `${fileToken}\n`, { mode: 0o644 });
    h = await startHarness();
    reader = await openTicketReader(h);
  });
  after(async () => {
    await reader?.close();
    await h?.stop();
    await conn.query(`DROP USER IF EXISTS '${account}'@'localhost'`);
    await dropDatabase(schema);
    await dropDatabase(destination);
    await rm(file, { force: true });
    await conn.end();
  });

  /** Nothing any Slack call carried (messages, answers, files, views) holds a secret of the target. */
  function assertNothingLeaked(): void {
    const everything = JSON.stringify(h.api.calls);
    assert.ok(!everything.includes(token), 'the secret token reached Slack');
    assert.ok(!everything.includes(hash.slice(1, 21)), "the account's password hash reached Slack");
    assert.ok(!everything.includes(fileToken), "the server's file reached Slack");
  }

  async function evilRows(): Promise<number> {
    const [rows] = await conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${schema}\`.evil_log`);
    return Number(rows[0]?.n);
  }

  async function lockHolder(): Promise<unknown> {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) AS holder', [lock]);
    return rows[0]?.holder;
  }

  /** `/dbops review …` in the dev channel; resolves with the review posted there. */
  async function review(sql: string): Promise<string> {
    const since = h.api.calls.length;
    await h.slack.slashCommand({ text: `review prod.${schema} ${sql}`, userId: DEV, channelId: DEV_CHANNEL });
    const post = await h.api.waitFor(
      'chat.postMessage',
      (c) => h.api.calls.indexOf(c) >= since && c.params.channel === DEV_CHANNEL,
      15_000,
    );
    return `${String(post.params.text)} ${JSON.stringify(post.params.blocks)}`;
  }

  it('migrate: a where that would echo a secret, a password hash or a file in an error is refused from its parse tree', async () => {
    const tickets = (await reader.store.list({ limit: 100 })).length;
    const wheres = [
      `extractvalue(1,concat(0x7e,(select token from ${schema}.secrets limit 1)))`,
      `extractvalue(1,concat(0x7e,(select authentication_string from mysql.user where user='${account}' limit 1)))`,
      `updatexml(1,concat(0x7e,load_file('${file}')),1)`,
    ];
    for (const where of wheres) {
      const reply = await slash(h, `migrate prod.${schema}→test.${destination} tables orders where "${where}"`);
      assertNothingLeaked();
      const text = `${String(reply.params.text)} ${JSON.stringify(reply.params.blocks ?? [])}`;
      assert.match(text, /can't go ahead/, where);
      assert.match(
        text,
        /cannot be used: it calls `(EXTRACTVALUE|UPDATEXML)\(\)`, whose error message repeats its argument/,
      );
      assert.match(text, /A condition may use the columns of the table/);
    }
    assert.equal((await reader.store.list({ limit: 100 })).length, tickets, 'no ticket was opened');
    assertNothingLeaked();
  });

  it('migrate: a where that calls a stored function through a derived table never runs it', async () => {
    const reply = await slash(
      h,
      `migrate prod.${schema}→test.${destination} tables orders where "id = (SELECT x FROM (SELECT ${schema}.evil() x) d)"`,
    );
    assert.equal(await evilRows(), 0, 'evil() wrote nothing');
    const text = JSON.stringify(reply.params);
    assert.match(text, /cannot be used: it has a subquery/);
    assert.match(text, new RegExp(`cannot be used: it calls \`${schema}\\.evil\\(\\)\`, a stored function`));
  });

  it('review: an UPDATE that would echo a secret through EXPLAIN says it was not EXPLAINed, and why', async () => {
    const posted = await review(
      "UPDATE orders SET s = 'x' WHERE id = 1 AND extractvalue(1, concat(0x7e, (SELECT token FROM secrets LIMIT 1)))",
    );
    assertNothingLeaked();
    assert.match(posted, /statement\.dml-dry-run/);
    assert.match(
      posted,
      /This UPDATE was not EXPLAINed on the target: it calls `EXTRACTVALUE\(\)`, whose error message repeats its argument/,
    );
  });

  it('exec: the same UPDATE goes to the DBAs with the reason, and without the secret', async () => {
    const reply = await slash(
      h,
      `exec prod.${schema} UPDATE orders SET s = 'x' WHERE id = 1 AND extractvalue(1, concat(0x7e, (SELECT token FROM secrets LIMIT 1)))`,
    );
    assertNothingLeaked();
    const ref = refIn(reply);
    const ticket = await ticketOf(reader.store, ref);
    assert.equal(ticket.state, 'awaiting_approval', 'a statement dbops did not EXPLAIN is for a DBA to judge');
    assert.equal(ticket.estimatedRows, null, 'no EXPLAIN, no estimate');
    assert.match(JSON.stringify(approvalMessage(h, ref).blocks), /not EXPLAINed on the target/);
  });

  it('review: a stored function that writes is never run', async () => {
    const viaDerived = await review("UPDATE orders SET s = 'x' WHERE id = (SELECT x FROM (SELECT evil() x) d)");
    const direct = await review(`DELETE FROM orders WHERE id = evil() + 100`);
    assert.equal(await evilRows(), 0, 'evil() wrote nothing: no row exists, and no ticket was asked for');
    assert.match(viaDerived, /not EXPLAINed on the target: it has a subquery/);
    assert.match(direct, /not EXPLAINed on the target: it calls `evil\(\)`, a function dbops cannot prove harmless/);
  });

  it('review: no named lock is left held by a dbops session', async () => {
    const lockViaDerived = await review(
      `UPDATE orders SET s = 'x' WHERE id = (SELECT x FROM (SELECT GET_LOCK('${lock}', 0) x) d)`,
    );
    const lockDirect = await review(`UPDATE orders SET s = 'x' WHERE id = GET_LOCK('${lock}', 0)`);
    assert.equal(await lockHolder(), null, `IS_USED_LOCK('${lock}') is NULL: no dbops session holds it`);
    assert.match(lockViaDerived, /not EXPLAINed on the target: it has a subquery/);
    assert.match(lockDirect, /it calls `GET_LOCK\(\)`, which takes a named lock other sessions wait on/);
  });

  it("review: a server's error is described from the user's SQL, never repeated", async () => {
    const posted = await review("UPDATE orders SET s = 'x' WHERE nope = 1");
    assert.doesNotMatch(posted, /where clause|Unknown column 'nope'/);
    assert.match(posted, /The target server rejects this UPDATE \(EXPLAIN failed\): unknown column `nope`\./);
    // A harmless statement is still EXPLAINed: its estimate and plan come back.
    const fine = await review("UPDATE orders SET s = 'x' WHERE x < 5");
    assert.doesNotMatch(fine, /not EXPLAINed|rejects this/);
  });
});
