import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mysql2/promise';
import { ids } from '../../src/slack/ids.js';
import type { TicketStore } from '../../src/tickets/store.js';
import { DEV, startHarness, type Harness } from '../support/harness.js';
import { actionIds, approvalMessage, openTicketReader, refIn, slash, ticketOf } from '../support/ticket-flow.js';
import { connect, schemaPair } from '../integration/migrate/support.js';

describe('/dbops migrate over signed HTTP', () => {
  let h: Harness;
  let conn: Connection;
  let pair: Awaited<ReturnType<typeof schemaPair>>;
  let reader: Awaited<ReturnType<typeof openTicketReader>>;
  let store: TicketStore;

  before(async () => {
    conn = await connect();
    pair = await schemaPair(conn, 'dbops_e2e_mig');
    await conn.query(`USE \`${pair.source}\``);
    await conn.query(
      'CREATE TABLE orders (id INT PRIMARY KEY, v INT); INSERT INTO orders SELECT seq, seq FROM seq_1_to_500; CREATE TABLE items (id INT PRIMARY KEY); ANALYZE TABLE orders, items',
    );
    await conn.query(`CREATE TABLE \`${pair.destination}\`.orders (id INT PRIMARY KEY, v INT)`);
    h = await startHarness();
    reader = await openTicketReader(h);
    store = reader.store;
  });
  after(async () => {
    await reader.close();
    await h.stop();
    await pair.drop();
    await conn.end();
  });

  it('opens a ticket a DBA must approve, showing the tables, rows, bytes and what replace replaces', async () => {
    const reply = await slash(
      h,
      `migrate prod.${pair.source}→test.${pair.destination} tables orders,items mode replace`,
    );
    const ref = refIn(reply);
    const answer = JSON.stringify(reply.params.blocks);
    assert.match(answer, /is with the DBAs for approval; it needs 1 DBA approval/);
    assert.match(answer, /2 tables\*, about \d[\d,]* rows and [\d.]+ [KM]B in all/);
    assert.match(answer, /`orders`: about 500 rows, [\d.]+ KB — :warning: replaces the destination's/);
    const message = approvalMessage(h, ref);
    const blocks = JSON.stringify(message.blocks);
    assert.match(blocks, new RegExp(`Migration prod\\.${pair.source} → test\\.${pair.destination}`));
    assert.match(blocks, /mode \*replace\*/);
    assert.match(blocks, /`items`: about 0 rows/);
    assert.deepEqual(actionIds(message), [ids.ticketActions.approve, ids.ticketActions.reject]);
    const ticket = await ticketOf(store, ref);
    assert.equal(ticket.kind, 'migrate');
    assert.equal(ticket.state, 'awaiting_approval');
    assert.equal(ticket.approvalsNeeded, 1);
    assert.equal(ticket.cluster, 'prod');
    assert.ok(
      ticket.kind === 'migrate' &&
        ticket.payload.destination.schema === pair.destination &&
        ticket.payload.copy?.method === 'auto',
    );
  });

  it('a table outside the copy with a foreign key to a replaced table: the card says checks are off for the swap', async () => {
    await conn.query(`CREATE TABLE \`${pair.source}\`.parents (id INT PRIMARY KEY)`);
    await conn.query(
      `CREATE TABLE \`${pair.destination}\`.parents (id INT PRIMARY KEY); CREATE TABLE \`${pair.destination}\`.kids (id INT PRIMARY KEY, pid INT, CONSTRAINT fk_kids FOREIGN KEY (pid) REFERENCES parents (id))`,
    );
    const reply = await slash(h, `migrate prod.${pair.source}→test.${pair.destination} tables parents mode replace`);
    const blocks = JSON.stringify(approvalMessage(h, refIn(reply)).blocks);
    assert.match(blocks, /Foreign-key checks off for the swap\*: kids\.fk_kids → parents \(tables outside the copy\)/);
  });

  it('refuses to migrate into prod, before any ticket exists', async () => {
    const before = (await store.list({ limit: 100 })).length;
    const reply = await slash(h, `migrate test.${pair.source}→prod.${pair.destination}`);
    assert.match(
      String(reply.params.text),
      /migrations may not write into prod \(prod is prod; policy\.migrate_into allows test, dev, staging\)/,
    );
    assert.equal((await store.list({ limit: 100 })).length, before, 'no ticket');
  });

  it('gives clear answers for an unknown cluster, schema or table, and a bad where', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        `migrate prd.${pair.source}→test.${pair.destination}`,
        /cluster `prd` is not in dbops\.yml — did you mean `prod`\?/,
      ],
      [
        `migrate prod.${pair.source}x→test.${pair.destination}`,
        new RegExp(`schema \`${pair.source}x\` does not exist on prod — did you mean \`${pair.source}\`\\?`),
      ],
      [
        `migrate prod.${pair.source}→test.${pair.destination} tables ordrs`,
        /table `ordrs` is not in prod\.\S+ — did you mean `orders`\?/,
      ],
      [
        `migrate prod.${pair.source}→test.${pair.destination} tables orders`,
        /`orders` already exists in test\.\S+ .*add `mode replace`/,
      ],
      [
        `migrate prod.${pair.source}→test.${pair.destination} tables items where "nope = 1"`,
        /where `nope = 1` cannot be used: `items` has no column `nope`/,
      ],
      [`migrate prod.${pair.source} test.${pair.destination}`, /start with the source and the destination/],
    ];
    for (const [text, want] of cases) {
      const reply = await slash(h, text);
      assert.match(`${String(reply.params.text)} ${JSON.stringify(reply.params.blocks ?? [])}`, want, text);
    }
  });

  it('a migration within one environment follows its policy: test to test needs no DBA', async () => {
    const reply = await slash(h, `migrate test.${pair.source}→test.${pair.destination} tables items`, DEV);
    const ticket = await ticketOf(store, refIn(reply));
    assert.equal(ticket.approvalsNeeded, 0);
    assert.notEqual(ticket.state, 'awaiting_approval');
  });
});
