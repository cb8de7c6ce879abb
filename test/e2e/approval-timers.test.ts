import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TicketStore } from '../../src/tickets/store.js';
import { APPROVAL_CHANNEL, DBA, DBA2, DEV, testConfigYaml, type Harness } from '../support/harness.js';
import { TestClock } from '../support/runner-fixture.js';
import {
  actionIds,
  approvalMessage,
  clickOn,
  idOf,
  nextPrivateAnswer,
  refIn,
  slash,
  ticketOf,
  type TicketFlow,
  useTicketFlow,
} from '../support/ticket-flow.js';

const ESCALATION = 'C0ESCALATE1';
const MINUTE = 60_000;
/** Wednesday 2026-12-09 10:00 UTC: inside business hours (Mon–Fri 09:00-18:00, the prod cluster's zone is UTC). */
const WEDNESDAY = new Date('2026-12-09T10:00:00Z');
/** Friday 2026-12-11 17:50 UTC: ten minutes of business hours left in the week. */
const FRIDAY_EVENING = new Date('2026-12-11T17:50:00Z');

describe('approval reminders, escalation and expiry (test clock, signed HTTP)', () => {
  let h: Harness;
  let target: TicketFlow['target'];
  let store: TicketStore;
  const clock = new TestClock();
  const at = (base: Date, minutes: number) => clock.set(new Date(base.getTime() + minutes * MINUTE));
  const sweep = () => {
    const timers = h.runtime.approvalTimers;
    assert.ok(timers, 'the bot runs the approval timers');
    return timers.sweep();
  };
  const threadOf = (ref: string) => h.api.replies(APPROVAL_CHANNEL, approvalMessage(h, ref).ts);
  const open = async (id: number) => {
    const reply = await slash(h, `exec prod.${target.name} UPDATE orders SET status = ${id} WHERE id = ${id}`);
    return refIn(reply);
  };

  useTicketFlow(
    {
      clock,
      configYaml: testConfigYaml(`
policy:
  approvals: { prod: 1, test: 0 }
  remind_after: 30m
  expire_after: 7d
`).replace('alert_channel: C0DBALERTS', `alert_channel: C0DBALERTS\n  escalation_channel: ${ESCALATION}`),
    },
    (flow) => {
      ({ h, target } = flow);
      h.api.addChannel(ESCALATION, 'dba-escalations');
      store = flow.reader.store;
    },
  );

  it('reminds the DBAs once in the thread after 30 business minutes, then escalates, and both survive a restart', async () => {
    at(WEDNESDAY, 0);
    const ref = await open(1);
    at(WEDNESDAY, 20);
    assert.deepEqual(await sweep(), { reminded: [], escalated: [], expired: [] }, 'nothing is due after 20 minutes');

    at(WEDNESDAY, 31);
    assert.deepEqual((await sweep()).reminded, [ref]);
    const reminder = threadOf(ref).find((m) => m.text?.includes('still waiting'));
    assert.ok(reminder, 'the reminder is in the ticket thread');
    const text = JSON.stringify(reminder.blocks);
    assert.ok(text.includes(`<@${DBA}> <@${DBA2}>`), `the reminder pings the DBAs: ${text}`);
    assert.match(text, /has waited 31 min of business hours/);
    assert.deepEqual((await sweep()).reminded, [], 'a reminder is sent once');
    assert.equal(h.api.messages(ESCALATION).length, 0, 'no escalation before its time');

    await h.restart();
    at(WEDNESDAY, 61);
    assert.deepEqual(await sweep(), { reminded: [], escalated: [ref], expired: [] });
    const escalated = h.api.messages(ESCALATION);
    assert.equal(escalated.length, 1);
    assert.match(JSON.stringify(escalated[0]?.blocks), new RegExp(`${ref}.*archives/${APPROVAL_CHANNEL}/p`));
    at(WEDNESDAY, 200);
    assert.deepEqual(await sweep(), { reminded: [], escalated: [], expired: [] }, 'escalated once');
    const history = (await store.events(idOf(ref))).map((e) => e.action);
    assert.deepEqual(
      history.filter((a) => a === 'remind' || a === 'escalate'),
      ['remind', 'escalate'],
    );
  });

  it('counts business hours only: a request at Friday 17:50 is reminded on Monday at 09:20, not over the weekend', async () => {
    at(FRIDAY_EVENING, 0);
    const ref = await open(2);
    at(FRIDAY_EVENING, 24 * 60); // Saturday 17:50
    assert.ok(!(await sweep()).reminded.includes(ref), 'not on Saturday');
    at(new Date('2026-12-14T09:15:00Z'), 0);
    assert.ok(!(await sweep()).reminded.includes(ref), 'not at Monday 09:15 (25 business minutes)');
    at(new Date('2026-12-14T09:21:00Z'), 0);
    assert.ok((await sweep()).reminded.includes(ref), 'at Monday 09:21');
  });

  it('expires a ticket nobody decided in 7 days: the message loses its buttons, thread and requester hear it, a late Approve is refused', async () => {
    at(WEDNESDAY, 0);
    const ref = await open(3);
    const message = approvalMessage(h, ref);
    at(WEDNESDAY, 7 * 24 * 60 + 1);
    const swept = await sweep();
    assert.ok(swept.expired.includes(ref), `${ref} expired: ${JSON.stringify(swept)}`);
    const ticket = await ticketOf(store, ref);
    assert.equal(ticket.state, 'expired');
    assert.deepEqual(actionIds(approvalMessage(h, ref)), [], 'no buttons on an expired ticket');
    assert.ok(threadOf(ref).some((m) => m.text?.includes(`${ref} expired: no DBA decided it within 7 d`)));
    const dm = h.api.messages(h.api.dmChannel(DEV)).find((m) => m.text === `${ref} expired without a decision`);
    assert.ok(dm, 'the requester gets a DM');

    const since = h.api.calls.length;
    await clickOn(h, message, DBA, 'approve', ref);
    const answer = await nextPrivateAnswer(h, DBA, since);
    assert.match(String(answer.params.text), new RegExp(`${ref} expired at .*ask again`));
    assert.equal((await ticketOf(store, ref)).state, 'expired', 'a late click changes nothing');
  });

  it('an Approve racing the expiry: exactly one of them wins', async () => {
    at(WEDNESDAY, 0);
    const ref = await open(4);
    const message = approvalMessage(h, ref);
    at(WEDNESDAY, 7 * 24 * 60 + 5);
    await Promise.all([clickOn(h, message, DBA, 'approve', ref), sweep()]);
    // The click's answer comes after its ack; wait until the ticket is decided either way (an
    // approval passes through 'approved' on its way to 'scheduled').
    let ticket = await ticketOf(store, ref);
    for (let i = 0; i < 100 && ['awaiting_approval', 'approved'].includes(ticket.state); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ticket = await ticketOf(store, ref);
    }
    const decisions = (await store.events(idOf(ref))).filter((e) => e.action === 'approve' || e.action === 'expire');
    assert.equal(decisions.length, 1, `one decision: ${decisions.map((e) => e.action).join(', ')}`);
    assert.equal(ticket.state, decisions[0]?.action === 'expire' ? 'expired' : 'scheduled');
  });
});
