import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DBA, DBA2, type Harness } from '../support/harness.js';
import {
  approvalMessage,
  clickOn,
  edited,
  idOf,
  refIn,
  slash,
  ticketOf,
  waitForCall,
  useTicketFlow,
  type TicketFlow,
} from '../support/ticket-flow.js';

let h: Harness;
let target: TicketFlow['target'];
let reader: TicketFlow['reader'];
useTicketFlow(undefined, (flow) => ({ h, target, reader } = flow));

it('20 concurrent Approve clicks on one ticket: one approval, one event, one job; 19 private "already approved"', async () => {
  const ref = refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET status = 5 WHERE id = 1`));
  const message = approvalMessage(h, ref);
  const since = h.api.calls.length;
  const clickers = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? DBA : DBA2));
  const sent = await Promise.all(clickers.map((user) => clickOn(h, message, user, 'approve', ref)));
  assert.deepEqual(
    sent.map((s) => s.status),
    clickers.map(() => 200),
  );
  await edited(h, ref, /Approved/);
  // Every click is answered: 19 refusals arrive as ephemeral notes to their clickers.
  let refusals = 0;
  await waitForCall(
    h,
    (c) => c.method === 'chat.postEphemeral' && /already approved/.test(String(c.params.text)) && ++refusals === 19,
    since,
    20_000,
  );

  const ticket = await ticketOf(reader.store, ref);
  const events = await reader.store.events(ticket.id);
  assert.equal(events.filter((e) => e.action === 'approve').length, 1, 'exactly one approval event');
  assert.equal(events.filter((e) => e.action === 'add_approval').length, 0);
  assert.equal(events.filter((e) => e.action === 'enqueue').length, 1, 'handed to the queue once');
  assert.equal(ticket.approvals.length, 1);
  assert.equal(ticket.state, 'scheduled');
  const jobs = (await h.jobs.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).filter(
    (j) => j.data.ticketId === idOf(ref),
  );
  assert.equal(jobs.length, 1, 'one queued job');
  assert.equal(jobs[0].id, h.jobId(idOf(ref)));
  const approver = ticket.approvals[0].approver;
  const stale = h.api.callsTo('chat.postEphemeral').filter((c) => h.api.calls.indexOf(c) >= since);
  assert.equal(stale.length, 19);
  for (const c of stale)
    assert.match(String(c.params.text), new RegExp(`${ref} was already approved by <@${approver}>`));
  assert.equal(stale.filter((c) => c.params.user === approver).length, 9, 'the winner’s other clicks are answered too');
});
