import assert from 'node:assert/strict';
import { it } from 'node:test';
import { testSealer } from '../support/approvals.js';
import { APPROVAL_CHANNEL, DBA, DBA2, DEV, type Harness } from '../support/harness.js';
import {
  approvalMessage,
  clickOn,
  edited,
  idOf,
  nextPrivateAnswer,
  refIn,
  slash,
  ticketOf,
  useTicketFlow,
  type TicketFlow,
} from '../support/ticket-flow.js';

let h: Harness;
let target: TicketFlow['target'];
let reader: TicketFlow['reader'];
useTicketFlow(undefined, (flow) => ({ h, target, reader } = flow));

it('tickets survive a restart of the bot, and the buttons on the old messages still work', async () => {
  const pending = refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET status = 9 WHERE id = 1`));
  const decided = refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET status = 9 WHERE id = 2`));
  await clickOn(h, approvalMessage(h, decided), DBA, 'approve', decided);
  await edited(h, decided, /Approved/);
  // Approved, but the bot stopped before handing it to the queue (the approval is written as the bot writes it).
  const stranded = refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET status = 9 WHERE id = 3`));
  const waiting = await ticketOf(reader.store, stranded);
  const at = new Date();
  const approved = await reader.store.transition({
    ticketId: waiting.id,
    expect: { state: waiting.state, version: waiting.version },
    action: 'approve',
    actor: DBA,
    approval: { approver: DBA, exception: false },
    seal: testSealer(h.runtime.installation).seal(waiting, { signer: DBA, decision: 'approve', exception: false, at }),
    at,
  });
  assert.ok(approved.ok);
  const oldPort = h.runtime.port;

  await h.restart();
  assert.notEqual(h.runtime.port, oldPort, 'a new bot process (new listener)');

  // At start the new bot hands the stranded approval to the queue and says so in its thread.
  assert.ok(await h.jobs.getJob(h.jobId(idOf(stranded))));
  assert.equal((await ticketOf(reader.store, stranded)).state, 'scheduled');
  assert.ok(
    h.api
      .replies(APPROVAL_CHANNEL, approvalMessage(h, stranded).ts)
      .some((m) => /was approved but not yet queued; it is handed over now/.test(m.text ?? '')),
  );

  // The message posted by the old bot: its Approve button reaches the new bot and works.
  await clickOn(h, approvalMessage(h, pending), DBA2, 'approve', pending);
  await edited(h, pending, /Approved/);
  const ticket = await ticketOf(reader.store, pending);
  assert.equal(ticket.state, 'scheduled');
  assert.ok(await h.jobs.getJob(h.jobId(idOf(pending))));

  // A click on the ticket decided before the restart is answered from the stored history.
  const since = h.api.calls.length;
  await clickOn(h, approvalMessage(h, decided), DBA2, 'approve', decided);
  assert.match(
    String((await nextPrivateAnswer(h, DBA2, since)).params.text),
    new RegExp(`${decided} was already approved by <@${DBA}>`),
  );

  // The whole history is still there.
  const detail = await slash(h, `ticket ${pending}`, DEV);
  const history = JSON.stringify(detail.params.blocks);
  for (const step of ['opened the ticket', 'review passed', `<@${DBA2}> approved`, 'handed it to the queue'])
    assert.ok(history.includes(step), `history lacks "${step}": ${history}`);
});
