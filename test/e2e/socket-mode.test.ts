import assert from 'node:assert/strict';
import { it } from 'node:test';
import type mysql from 'mysql2/promise';
import { DBA, type Harness } from '../support/harness.js';
import {
  approvalMessage,
  clickOn,
  refIn,
  slash,
  ticketOf,
  type ShopFlow,
  useShopFlow,
} from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

// The same slash command → approval → run flow as over HTTP, with the bot behind a firewall: it
// opens its own WebSocket to Slack (SLACK_APP_TOKEN) and every command and click arrives as an
// envelope on it, acked by the app.
let h: Harness;
let db: mysql.Connection;
let reader: ShopFlow['reader'];
const schema = useShopFlow(
  'dbops_sock',
  { rows: 10, harness: { socketMode: true } },
  (flow) => ({ h, db, reader } = flow),
);

async function statusOf(id: number): Promise<number> {
  const [rows] = await db.query<mysql.RowDataPacket[]>(`SELECT status FROM \`${schema}\`.orders WHERE id = ?`, [id]);
  return Number(rows[0]?.status);
}

/** exec on prod (one DBA approval) → the DBA approves → the worker runs it; resolves with the end state. */
async function execApproveRun(id: number, status: number): Promise<string> {
  const ref = refIn(await slash(h, `exec prod.${schema} UPDATE orders SET status = ${status} WHERE id = ${id}`));
  assert.equal((await ticketOf(reader.store, ref)).state, 'awaiting_approval');
  const click = await clickOn(h, approvalMessage(h, ref), DBA, 'approve', ref);
  assert.equal(click.status, 200);
  await waitUntil(
    async () => ['succeeded', 'failed', 'cancelled'].includes((await ticketOf(reader.store, ref)).state),
    30_000,
    `${ref} to run`,
  );
  return (await ticketOf(reader.store, ref)).state;
}

it('connects with the app token through apps.connections.open, not over HTTP', () => {
  const opens = h.api.callsTo('apps.connections.open');
  assert.equal(opens.length, 1);
  assert.match(opens[0]?.token ?? '', /^xapp-/, 'apps.connections.open is called with the app-level token');
  assert.equal(h.api.socketMode.connections, 1);
});

it('slash command → approval → run, every request an acked envelope on the WebSocket', async () => {
  const before = h.api.socketMode.sent.length;
  assert.equal(await execApproveRun(1, 5), 'succeeded');
  assert.equal(await statusOf(1), 5);
  const types = h.api.socketMode.sent.slice(before).map((e) => e.type);
  assert.deepEqual(types, ['slash_commands', 'interactive']);
});

it("Slack's disconnect message: the app reconnects with a new URL and the flow goes on", async () => {
  const opened = h.api.socketMode.connectionsOpened;
  h.api.socketMode.disconnect('refresh_requested');
  await h.api.socketMode.waitForConnection(opened + 1);
  assert.equal(h.api.callsTo('apps.connections.open').length, opened + 1);
  assert.equal(await execApproveRun(2, 6), 'succeeded');
  assert.equal(await statusOf(2), 6);
});

it('a connection cut without a word: the app notices, reconnects, and the flow goes on', async () => {
  const opened = h.api.socketMode.connectionsOpened;
  h.api.socketMode.dropConnections();
  await h.api.socketMode.waitForConnection(opened + 1);
  assert.equal(await execApproveRun(3, 7), 'succeeded');
  assert.equal(await statusOf(3), 7);
});
