import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KnownBlock } from '@slack/types';
import { announced } from '../../../../src/requests/answer.js';
import { requestAnswerMessage } from '../../../../src/slack/views/request-answer.js';
import { section } from '../../../../src/text/blocks.js';
import { makeTicket } from '../../tickets/make-ticket.js';

const config = { slack: { approval_channel: 'C0DBAS' } } as Parameters<typeof announced>[2]['config'];

describe('a request answer, rendered for the requester', () => {
  it('puts the kind’s details after the first line, in place of the review line', () => {
    const ticket = makeTicket();
    const details: KnownBlock[] = [section('*Tables* orders, 12 rows')];
    const message = requestAnswerMessage({ kind: 'opened', ticket, permalink: 'https://x/p1', details });
    assert.equal(message.blocks[1], details[0]);
    assert.ok(!JSON.stringify(message.blocks).includes('Review:'), 'no review line for a kind without one');
    const plain = requestAnswerMessage({ kind: 'opened', ticket, permalink: 'https://x/p1' });
    assert.ok(JSON.stringify(plain.blocks).includes('Review:'), 'a SQL change keeps its review line');
  });

  it('says the approval channel refused the post, about the ticket as it was opened', () => {
    const opened = makeTicket({ ref: 'T-42' });
    const answer = announced(
      opened,
      { ok: false, ticket: makeTicket({ ref: 'T-43' }), error: 'not_in_channel' },
      { config },
    );
    assert.equal(answer.kind, 'not_posted');
    const message = requestAnswerMessage(answer);
    assert.match(
      message.text,
      /\*T-42\* is open and waiting for approval, but I could not post it in <#C0DBAS> \(not_in_channel\)/,
    );
  });

  it('escapes a problem’s plain text but keeps a note’s mrkdwn', () => {
    const problem = requestAnswerMessage({ kind: 'problem', text: 'server said <b> & more', icon: ':x:' });
    assert.match(JSON.stringify(problem.blocks), /:x: server said &lt;b&gt; &amp; more/);
    const note = requestAnswerMessage({ kind: 'note', text: 'ask <@U0DBA00001>' });
    assert.match(JSON.stringify(note.blocks), /:no_entry: ask <@U0DBA00001>/);
  });

  it('shows a blocked grant’s findings with their rule and fix', () => {
    const ticket = makeTicket({ state: 'blocked' });
    const message = requestAnswerMessage({
      kind: 'blocked',
      ticket,
      review: {
        grant: [
          { rule: 'grant-all', severity: 'error', message: 'ALL PRIVILEGES is too broad', fix: 'Name the privileges' },
        ],
      },
    });
    assert.ok(
      JSON.stringify(message.blocks).includes('*error* `grant-all`: ALL PRIVILEGES is too broad. Name the privileges.'),
    );
  });
});
