import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dbaMention,
  escalationMessage,
  expiredNotice,
  expiredReply,
  reminderReply,
} from '../../../src/slack/views/approval-timers.js';
import { ids } from '../../../src/slack/ids.js';
import { makeTicket } from '../tickets/make-ticket.js';

describe('approval timer views', () => {
  const ticket = makeTicket();
  it('mentions the DBA user group when there is one, else each DBA', () => {
    assert.equal(dbaMention({ dba_usergroup: 'S0DBAS', dba_users: ['U1'] }), '<!subteam^S0DBAS>');
    assert.equal(dbaMention({ dba_users: ['U1', 'U2'] }), '<@U1> <@U2>');
    assert.equal(dbaMention({ dba_users: [] }), 'DBAs');
  });
  it('the reminder pings, says how long in business hours, and carries Approve and Reject', () => {
    const message = reminderReply(ticket, 31 * 60, '<@U1>');
    const text = JSON.stringify(message.blocks);
    assert.match(text, /:bell: <@U1> \*T-42\* \(SQL change on prod\.shop\) has waited 31 min of business hours/);
    assert.match(text, new RegExp(ids.ticketActions.approve));
    assert.match(text, new RegExp(ids.ticketActions.reject));
  });
  it('the escalation links the request, or names the command without a link', () => {
    assert.match(
      JSON.stringify(escalationMessage(ticket, 3600, '<!subteam^S1>', 'https://x.slack.com/archives/C1/p1').blocks),
      /<https:\/\/x\.slack\.com\/archives\/C1\/p1\|the request>/,
    );
    assert.match(JSON.stringify(escalationMessage(ticket, 3600, 'DBAs', null).blocks), /`\/dbops ticket T-42`/);
  });
  it('expiry says nothing ran, in the thread and to the requester', () => {
    assert.equal(
      expiredReply(ticket, 7 * 86_400).text,
      ':hourglass: T-42 expired: no DBA decided it within 7 d. Nothing was run. If it is still needed, ask again.',
    );
    const dm = expiredNotice(ticket, 86_400, 'https://x/p1');
    assert.equal(dm.text, 'T-42 expired without a decision');
    assert.match(JSON.stringify(dm.blocks), /<https:\/\/x\/p1\|thread>/);
  });
});
