import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openRunnerFixture, type RunnerFixture } from '../../support/runner-fixture.js';
import { waitUntil } from '../../support/wait.js';

/**
 * Defence in depth: whatever the bot checked, a worker checks again before it starts a ticket —
 * sealed approvals, and no protected schema — and a refused ticket fails with the reason in its thread.
 */
let f: RunnerFixture;
before(async () => {
  f = await openRunnerFixture();
});
after(() => f.close());

const insert = (what: string) => `INSERT INTO \`${f.target}\`.log (what) VALUES ('${what}')`;
const rows = () => f.count(`SELECT COUNT(*) FROM \`${f.target}\`.log`);
const threadSays = (ticket: { slack: { threadChannel: string | null; threadTs: string | null } }, text: string) =>
  waitUntil(
    () =>
      f.api
        .replies(ticket.slack.threadChannel ?? '', ticket.slack.threadTs ?? '')
        .some((m) => (m.text ?? '').includes(text)),
    10_000,
    `the thread to say "${text}"`,
  );

describe('a worker refuses to start a ticket it cannot trust', () => {
  it('an approved ticket with a job but no seal (its row written by hand) fails before anything runs', async () => {
    const worker = await f.startWorker();
    try {
      const ticket = await f.ticket({ kind: 'sql-change', payload: { sql: insert('unsealed') } }, { unsealed: true });
      assert.equal((await f.waitFor(ticket.id, ['succeeded', 'failed'])).state, 'failed');
      assert.equal(await rows(), 0);
      await threadSays(
        ticket,
        `${ticket.ref} says approved but carries no valid approval: not run (it has no valid seal, neither dbops' automatic approval nor a DBA's).`,
      );
      assert.equal(
        await f.count('SELECT COUNT(*) FROM ticket_runs WHERE ticket_id = ?', [ticket.id]),
        0,
        'never claimed',
      );
    } finally {
      await worker.stop();
    }
  });

  it("a sealed ticket whose SQL names dbops' meta database (the bot's check bypassed) fails before anything runs", async () => {
    const worker = await f.startWorker();
    try {
      const sql = `${insert('before')};\nUPDATE \`${f.metaDatabase}\`.tickets SET state = 'approved' WHERE id = 0`;
      const ticket = await f.ticket({ kind: 'sql-change', payload: { sql } });
      assert.equal((await f.waitFor(ticket.id, ['succeeded', 'failed'])).state, 'failed');
      assert.equal(await rows(), 0, 'not even the first statement ran');
      await threadSays(
        ticket,
        `${ticket.ref} was not run: Statement 2 names \`${f.metaDatabase}\`: \`test.${f.metaDatabase}\` is dbops' own meta database`,
      );
    } finally {
      await worker.stop();
    }
  });
});
