import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ids } from '../../src/slack/ids.js';
import type { TicketStore } from '../../src/tickets/store.js';
import { APPROVAL_CHANNEL, DBA, DBA2, DEV, type Harness } from '../support/harness.js';
import {
  actionIds,
  approvalMessage,
  clickOn,
  edited,
  idOf,
  nextPrivateAnswer,
  refIn,
  slash,
  ticketOf,
  type TicketFlow,
  useTicketFlow,
} from '../support/ticket-flow.js';

describe('tickets: exec, approve and reject over signed HTTP', () => {
  let h: Harness;
  let target: TicketFlow['target'];
  let store: TicketStore;
  useTicketFlow(undefined, (flow) => {
    ({ h, target } = flow);
    store = flow.reader.store;
  });

  it('exec posts the approval request and confirms to the requester with the id and a link', async () => {
    const reply = await slash(h, `exec prod.${target.name} UPDATE orders SET status = 2 WHERE id = 1`);
    assert.equal(reply.params.response_type, 'ephemeral');
    const ref = refIn(reply);
    assert.match(JSON.stringify(reply.params.blocks), /https:\/\/dbops-local\.slack\.com\/archives\/C0APPROVALS\/p\d+/);
    const message = approvalMessage(h, ref);
    const blocks = JSON.stringify(message.blocks);
    for (const expected of [
      `prod.${target.name}`,
      ':red_circle: prod',
      `<@${DEV}>`,
      'as soon as approved',
      'grade A (100/100)',
      'Estimated rows',
      'about 1',
      'UPDATE orders SET status = 2 WHERE id = 1',
      '0 of 1 approval',
    ]) {
      assert.ok(blocks.includes(expected), `approval message lacks ${expected}: ${blocks}`);
    }
    assert.deepEqual(actionIds(message), [ids.ticketActions.approve, ids.ticketActions.reject]);
    assert.match(
      blocks,
      /"confirm":\{"title":\{"type":"plain_text","text":"Approve T-\d+ on prod\?"/,
      'prod approvals ask for confirmation',
    );
    const ticket = await ticketOf(store, ref);
    assert.equal(ticket.state, 'awaiting_approval');
    assert.equal(ticket.slack.approvalTs, message.ts);
  });

  it('a DBA approves: the message loses its buttons, names who and when, and the job is in the queue', async () => {
    const reply = await slash(h, `exec prod.${target.name} UPDATE orders SET status = 3 WHERE id = 2`);
    const ref = refIn(reply);
    const sent = await clickOn(h, approvalMessage(h, ref), DBA, 'approve', ref);
    assert.equal(sent.status, 200);
    const update = await edited(h, ref, /Approved/);
    const blocks = JSON.stringify(update.params.blocks);
    assert.match(blocks, new RegExp(`Approved\\*.*by <@${DBA}> at (\\d{4}-\\d{2}-\\d{2} )?\\d{2}:\\d{2} UTC`));
    assert.deepEqual(actionIds(approvalMessage(h, ref)), [], 'no buttons after the decision');
    const job = await h.jobs.getJob(h.jobId(idOf(ref)));
    assert.ok(job, 'the approved ticket has its job');
    assert.equal(job.name, 'execute-sql');
    assert.deepEqual(job.data, { installation: h.runtime.installation, ticketId: idOf(ref), attempt: 1 });
    const dm = await h.api.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === h.api.dmChannel(DEV) && String(c.params.text).includes(ref),
    );
    assert.match(JSON.stringify(dm.params.blocks), new RegExp(`<@${DBA}> approved your change\\. It starts now\\.`));
    // It starts now: the edited message says who approved, and the run's status message is the
    // thread's next word, so no approval reply races it; no job id reaches anyone.
    const replies = h.api.replies(APPROVAL_CHANNEL, approvalMessage(h, ref).ts).map((m) => m.text ?? '');
    assert.ok(!replies.some((t) => /approved/.test(t)), replies.join('\n'));
    assert.ok(!JSON.stringify(dm.params).includes(h.jobId(idOf(ref))), 'no job id in the DM');
    assert.equal((await ticketOf(store, ref)).state, 'scheduled');

    const since = h.api.calls.length;
    await clickOn(h, approvalMessage(h, ref), DBA2, 'approve', ref);
    const stale = await nextPrivateAnswer(h, DBA2, since);
    assert.match(
      String(stale.params.text),
      new RegExp(`${ref} was already approved by <@${DBA}> at (\\d{4}-\\d{2}-\\d{2} )?\\d{2}:\\d{2} UTC`),
    );
  });

  it("refuses the requester's own approval and a non-DBA's click, privately, and changes nothing", async () => {
    const own = refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET note = 'x' WHERE id = 3`, DBA));
    const dev = refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET note = 'y' WHERE id = 3`, DEV));
    const before = { own: await ticketOf(store, own), dev: await ticketOf(store, dev) };

    let since = h.api.calls.length;
    await clickOn(h, approvalMessage(h, own), DBA, 'approve', own);
    const selfAnswer = await nextPrivateAnswer(h, DBA, since);
    assert.equal(selfAnswer.params.channel, APPROVAL_CHANNEL);
    assert.match(String(selfAnswer.params.text), new RegExp(`You asked for ${own}, so you can't approve it`));

    since = h.api.calls.length;
    await clickOn(h, approvalMessage(h, dev), DEV, 'approve', dev);
    assert.match(
      String((await nextPrivateAnswer(h, DEV, since)).params.text),
      new RegExp(`Only DBAs can approve ${dev}`),
    );

    since = h.api.calls.length;
    await clickOn(h, approvalMessage(h, dev), DEV, 'reject', dev);
    assert.match(
      String((await nextPrivateAnswer(h, DEV, since)).params.text),
      new RegExp(`Only DBAs can reject ${dev}`),
    );
    assert.equal(
      h.api.callsTo('views.open').filter((c) => h.api.calls.indexOf(c) >= since).length,
      0,
      'no reject form for a non-DBA',
    );

    for (const ref of [own, dev]) {
      const now = await ticketOf(store, ref);
      const was = ref === own ? before.own : before.dev;
      assert.equal(now.state, 'awaiting_approval');
      assert.equal(now.version, was.version);
      assert.deepEqual(now.approvals, []);
      assert.equal(await h.jobs.getJob(h.jobId(idOf(ref))), undefined);
      assert.deepEqual(actionIds(approvalMessage(h, ref)), [ids.ticketActions.approve, ids.ticketActions.reject]);
    }
  });

  it('Reject asks for a reason in a form; the requester is told in the thread and by DM', async () => {
    const ref = refIn(await slash(h, `exec prod.${target.name} DELETE FROM orders WHERE id = 3`));
    const since = h.api.calls.length;
    await clickOn(h, approvalMessage(h, ref), DBA, 'reject', ref);
    const opened = await h.api.waitFor('views.open', (c) => h.api.calls.indexOf(c) >= since);
    const view = opened.params.view as { callback_id: string; private_metadata: string };
    assert.equal(view.callback_id, ids.rejectModal.callback);
    const viewId = h.api.openedViews.at(-1)?.id;
    const form = ids.rejectModal;
    const empty = await h.slack.viewSubmission({
      userId: DBA,
      callbackId: form.callback,
      viewId,
      values: { [form.reasonBlock]: { [form.reasonInput]: { type: 'plain_text_input', value: '  ' } } },
    });
    assert.match(empty.body, /"response_action":"errors"/);
    const reason = 'Needs an index on orders.status first';
    await h.slack.viewSubmission({
      userId: DBA,
      callbackId: form.callback,
      viewId,
      values: { [form.reasonBlock]: { [form.reasonInput]: { type: 'plain_text_input', value: reason } } },
    });
    const update = await edited(h, ref, /Rejected/);
    assert.match(JSON.stringify(update.params.blocks), new RegExp(`Rejected\\* by <@${DBA}> at .*${reason}`));
    assert.deepEqual(actionIds(approvalMessage(h, ref)), []);
    const dm = await h.api.waitFor(
      'chat.postMessage',
      (c) =>
        c.params.channel === h.api.dmChannel(DEV) &&
        String(c.params.text).includes(`${ref}:`) &&
        /rejected/.test(String(c.params.text)),
    );
    assert.match(String(dm.params.text), new RegExp(reason));
    await h.api.waitFor(
      'chat.postMessage',
      (c) => c.params.thread_ts === approvalMessage(h, ref).ts && /rejected/.test(String(c.params.text)),
    );
    const ticket = await ticketOf(store, ref);
    assert.equal(ticket.state, 'rejected');
    const reject = (await store.events(ticket.id)).find((e) => e.action === 'reject');
    assert.equal(reject?.note.reason, reason);
    assert.equal(await h.jobs.getJob(h.jobId(ticket.id)), undefined);
  });
});
