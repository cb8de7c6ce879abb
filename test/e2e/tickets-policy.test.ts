import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ids } from '../../src/slack/ids.js';
import { BOT_ACTOR } from '../../src/tickets/ticket.js';
import { APPROVAL_CHANNEL, DBA, DBA2, DEV, DEV_CHANNEL, testConfigYaml, type Harness } from '../support/harness.js';
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
  waitForCall,
  useTicketFlow,
  type TicketFlow,
} from '../support/ticket-flow.js';

describe('ticket policy over signed HTTP: two DBAs on prod, none on test, exceptions', () => {
  let h: Harness;
  let target: TicketFlow['target'];
  let reader: TicketFlow['reader'];
  useTicketFlow(
    { configYaml: testConfigYaml('policy:\n  approvals: { prod: 2, staging: 1, test: 0 }\n') },
    (flow) => ({ h, target, reader } = flow),
  );

  it('prod needs two different DBAs: the message counts approvals, the same DBA twice is refused', async () => {
    const ref = refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET status = 7 WHERE id = 1`));
    assert.match(JSON.stringify(approvalMessage(h, ref).blocks), /0 of 2 approvals/);
    await clickOn(h, approvalMessage(h, ref), DBA, 'approve', ref);
    const partial = await edited(h, ref, /1 of 2 approvals: <@U0DBA00001>/);
    assert.deepEqual(
      actionIds({ blocks: partial.params.blocks as unknown[] }),
      [ids.ticketActions.approve, ids.ticketActions.reject],
      'still waiting: buttons stay',
    );
    await waitForCall(
      h,
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.thread_ts === approvalMessage(h, ref).ts &&
        /1 more from a different DBA/.test(String(c.params.text)),
    );
    assert.equal(await h.jobs.getJob(h.jobId(idOf(ref))), undefined, 'no job after one of two approvals');

    const since = h.api.calls.length;
    await clickOn(h, approvalMessage(h, ref), DBA, 'approve', ref);
    assert.match(
      String((await nextPrivateAnswer(h, DBA, since)).params.text),
      new RegExp(`You already approved ${ref}; it needs 1 more approval`),
    );

    await clickOn(h, approvalMessage(h, ref), DBA2, 'approve', ref);
    const final = await edited(h, ref, /Approved/);
    assert.match(JSON.stringify(final.params.blocks), /\*Approved\* by <@U0DBA00001> and <@U0DBA00002> at /);
    assert.ok(await h.jobs.getJob(h.jobId(idOf(ref))));
    const ticket = await ticketOf(reader.store, ref);
    assert.deepEqual(ticket.approvals.map((a) => a.approver).sort(), [DBA, DBA2]);
  });

  it('a clean review on test is approved automatically and queued, with a record in the approval channel', async () => {
    const reply = await slash(h, `exec test.${target.name} UPDATE orders SET status = 8 WHERE id = 2`);
    const ref = refIn(reply);
    assert.ok(
      JSON.stringify(reply.params.blocks).includes(
        'approved automatically: test needs no DBA approval. Progress goes to',
      ),
      JSON.stringify(reply.params.blocks),
    );
    assert.ok(!JSON.stringify(reply.params).includes(h.jobId(idOf(ref))), 'no job id in what the requester reads');
    assert.ok(await h.jobs.getJob(h.jobId(idOf(ref))));
    const message = approvalMessage(h, ref);
    assert.deepEqual(actionIds(message), [], 'nothing to click on an automatic approval');
    assert.match(JSON.stringify(message.blocks), /Approved\* automatically/);
    const ticket = await ticketOf(reader.store, ref);
    assert.equal(ticket.state, 'scheduled');
    assert.deepEqual(
      (await reader.store.events(ticket.id)).map((e) => e.action),
      ['submit', 'auto_approve', 'enqueue'],
    );
  });

  it('a blocking review goes to DBAs only as an exception request with a reason; the approval is recorded as an exception', async () => {
    const reply = await slash(h, `exec prod.${target.name} DELETE FROM orders`);
    const ref = refIn(reply);
    const blocks = JSON.stringify(reply.params.blocks);
    assert.match(blocks, /is blocked: its review found errors/);
    assert.match(blocks, /statement\.where\.require\.update-delete/);
    assert.equal(
      h.api.messages(APPROVAL_CHANNEL).filter((m) => m.text?.startsWith(`${ref}:`)).length,
      0,
      'DBAs do not see a blocked ticket',
    );
    assert.equal((await ticketOf(reader.store, ref)).state, 'blocked');
    const answer = h.api
      .messages(DEV_CHANNEL)
      .find((m) => m.ephemeral && m.ephemeralTo === DEV && m.text?.startsWith(`${ref} is blocked`));
    assert.ok(answer, 'the requester holds the blocked answer with its buttons');
    assert.deepEqual(actionIds(answer), [ids.ticketActions.requestException, ids.ticketActions.cancel]);
    assert.match(
      JSON.stringify(answer.blocks),
      new RegExp(`"title":\\{"type":"plain_text","text":"Cancel ${ref}\\?"`),
      'Cancel asks first',
    );

    let since = h.api.calls.length;
    await clickOn(h, answer, DBA, 'requestException', ref);
    assert.match(
      String((await nextPrivateAnswer(h, DBA, since)).params.text),
      new RegExp(`Only <@${DEV}>, who asked for ${ref}, can ask DBAs for an exception`),
    );

    since = h.api.calls.length;
    await clickOn(h, answer, DEV, 'requestException', ref);
    const opened = await waitForCall(h, (c) => c.method === 'views.open', since);
    assert.equal((opened.params.view as { callback_id: string }).callback_id, ids.exceptionModal.callback);
    const viewId = h.api.openedViews.at(-1)?.id;
    const form = ids.exceptionModal;
    const reason = 'orders is a 3-row fixture table; emptying it is the point';
    await h.slack.viewSubmission({
      userId: DEV,
      callbackId: form.callback,
      viewId,
      values: { [form.reasonBlock]: { [form.reasonInput]: { type: 'plain_text_input', value: reason } } },
    });
    await waitForCall(
      h,
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === APPROVAL_CHANNEL &&
        String(c.params.text).startsWith(`${ref}:`),
      since,
    );
    const request = JSON.stringify(approvalMessage(h, ref).blocks);
    assert.match(request, /Exception request: SQL change/);
    assert.match(request, /Exception requested\*: the review found 1 error/);
    assert.ok(request.includes(reason));
    // Approving overrides the review: the confirmation names the rule.
    assert.match(
      request,
      /"title":\{"type":"plain_text","text":"Approve T-\d+ as an exception\?"\},"text":\{"type":"plain_text","text":"This overrides the rule statement\.where\.require\.update-delete\./,
    );
    // The requester's blocked answer is replaced: its buttons would be stale now.
    const replaced = await waitForCall(
      h,
      (c) =>
        c.method === 'response_url' &&
        c.params.replace_original === true &&
        /went to the DBAs as an exception request/.test(String(c.params.text)),
      since,
    );
    assert.equal(replaced.target?.user, DEV);

    await clickOn(h, approvalMessage(h, ref), DBA, 'approve', ref);
    await edited(h, ref, /1 of 2 approvals/);
    await clickOn(h, approvalMessage(h, ref), DBA2, 'approve', ref);
    const final = await edited(h, ref, /Approved/);
    assert.match(JSON.stringify(final.params.blocks), /as an \*exception\* over its review/);
    const ticket = await ticketOf(reader.store, ref);
    assert.equal(ticket.exception, true);
    assert.equal(ticket.exceptionReason, reason);
    const approve = (await reader.store.events(ticket.id)).find((e) => e.action === 'approve');
    assert.equal(approve?.note.exception, true);
    assert.ok(await h.jobs.getJob(h.jobId(ticket.id)));
  });

  it('Cancel of a running ticket asks for a reason in a form, and the thread says who stopped it and why', async () => {
    const ref = refIn(await slash(h, `exec test.${target.name} UPDATE orders SET status = 9 WHERE id = 4`));
    let ticket = await ticketOf(reader.store, ref);
    const started = await reader.store.transition({
      ticketId: ticket.id,
      expect: { state: ticket.state, version: ticket.version },
      action: 'start',
      actor: BOT_ACTOR,
      at: new Date(),
    });
    assert.ok(started.ok, 'the test moves it to running (no workers here)');
    ticket = await ticketOf(reader.store, ref);
    assert.equal(ticket.state, 'running');

    let since = h.api.calls.length;
    await clickOn(h, approvalMessage(h, ref), DEV, 'cancel', ref);
    const opened = await waitForCall(h, (c) => c.method === 'views.open', since);
    const view = opened.params.view as { callback_id: string; title: { text: string } };
    assert.equal(view.callback_id, ids.cancelModal.callback);
    assert.equal(view.title.text, `Stop ${ref}`);
    assert.equal((await ticketOf(reader.store, ref)).state, 'running', 'nothing happens before the form is sent');

    const form = ids.cancelModal;
    const viewId = h.api.openedViews.at(-1)?.id;
    const empty = await h.slack.viewSubmission({
      userId: DEV,
      callbackId: form.callback,
      viewId,
      values: { [form.reasonBlock]: { [form.reasonInput]: { type: 'plain_text_input', value: '' } } },
    });
    assert.match(empty.body, /"response_action":"errors"/);

    since = h.api.calls.length;
    await h.slack.viewSubmission({
      userId: DEV,
      callbackId: form.callback,
      viewId,
      values: {
        [form.reasonBlock]: { [form.reasonInput]: { type: 'plain_text_input', value: 'wrong table, sorry' } },
      },
    });
    const reply = await waitForCall(
      h,
      (c) => c.method === 'chat.postMessage' && c.params.thread_ts === ticket.slack.threadTs,
      since,
    );
    assert.match(String(reply.params.text), new RegExp(`<@${DEV}> asked to stop ${ref}: .*wrong table, sorry`));
  });
});
