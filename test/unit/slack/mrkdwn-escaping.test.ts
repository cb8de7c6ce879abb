import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KnownBlock } from '@slack/types';
import type { Message } from '../../../src/text/blocks.js';
import { plainMessage, unknownVerbMessage, usageMessage } from '../../../src/slack/views/help.js';
import { MigratePayload, migrateDetailBlocks } from '../../../jobs/migrate.js';
import { ticketDetailMessage } from '../../../src/slack/views/ticket-detail.js';
import { ticketApprovalMessage } from '../../../src/slack/views/ticket-approval.js';
import { stopRequestedReply } from '../../../src/slack/views/ticket-progress.js';
import {
  problemNote,
  rejectedReply,
  requesterNotice,
  type RequesterNews,
} from '../../../src/slack/views/ticket-replies.js';
import {
  blockQuote,
  code,
  codeBlock,
  decodeSlackEscapes,
  escapeMrkdwn,
  plainCode,
  plainMention,
  plainToMrkdwn,
  quoted,
} from '../../../src/text/mrkdwn.js';
import type { TicketEvent } from '../../../src/tickets/ticket.js';
import { HOSTILE, markupProblem } from '../../support/slack-markup.js';
import { makeTicket } from '../tickets/make-ticket.js';

const DBA = 'U0DBA00001';

/** Every mrkdwn string of a message: its text and the text objects of its blocks that are not plain_text. */
function mrkdwnOf(message: { text?: string; blocks: readonly KnownBlock[] }): string[] {
  const found = message.text === undefined ? [] : [message.text];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (typeof value === 'string') {
        if (key === 'text' && record.type !== 'plain_text') found.push(value);
      } else walk(value);
    }
  };
  walk(message.blocks);
  return found;
}

function assertSafe(label: string, message: { text?: string; blocks: readonly KnownBlock[] }): void {
  const strings = mrkdwnOf(message);
  for (const text of strings) assert.equal(markupProblem(text), undefined, `${label}: ${text}`);
  assert.ok(
    strings.some((text) => text.includes('&lt;!channel&gt;')),
    `${label} shows the text, escaped:\n${strings.join('\n')}`,
  );
}

describe('the mrkdwn helpers', () => {
  it('escape &, < and > (and only them), and undo Slack’s escaping exactly once', () => {
    assert.equal(escapeMrkdwn('a < b && c > *d* `e`'), 'a &lt; b &amp;&amp; c &gt; *d* `e`');
    assert.equal(decodeSlackEscapes('a &lt; b &amp;&amp; c &gt; d'), 'a < b && c > d');
    assert.equal(decodeSlackEscapes('&amp;lt;'), '&lt;', 'what the user typed as &lt; stays &lt;');
    assert.equal(decodeSlackEscapes(escapeMrkdwn(HOSTILE)), HOSTILE);
  });

  it('quote inline code on one line, without a backtick that would end it', () => {
    assert.equal(code('a`b <!here>\nc'), "`a'b &lt;!here&gt; c`");
    assert.equal(plainCode('a`b <x>\nc'), "`a'b <x> c`", 'plain text: the view that shows it escapes it');
    assert.equal(codeBlock('x ``` <y>'), "```x ''' &lt;y&gt;```");
  });

  it('render plain text (an error, a job’s milestone) escaped, with only dbops’ own mentions live', () => {
    const note = `cut over by ${plainMention('U0DBA00001')}; error near '${HOSTILE}'`;
    const shown = plainToMrkdwn(note);
    assert.ok(shown.startsWith('cut over by <@U0DBA00001>; error near '), shown);
    assert.equal(markupProblem(shown), undefined, shown);
    assert.equal(
      plainToMrkdwn(`${plainMention('<!channel>')} x`),
      '&lt;!channel&gt; x',
      'a mark around anything else is dropped',
    );
  });

  it('quote someone’s words, cut to a length, escaped', () => {
    assert.equal(quoted(' <!channel> ', 100), '“&lt;!channel&gt;”');
    assert.equal(quoted('abcdef', 4), '“abc…”');
    assert.equal(blockQuote('one <b>\ntwo', 100), '>one &lt;b&gt;\n>two');
  });
});

describe('views take raw user text and escape it', () => {
  const ticket = makeTicket({ state: 'rejected', exception: true, exceptionReason: HOSTILE });
  const event = (action: 'reject' | 'cancel'): TicketEvent => ({
    id: 1,
    ticketId: ticket.id,
    action,
    actor: DBA,
    fromState: 'awaiting_approval',
    toState: action === 'reject' ? 'rejected' : 'cancelled',
    note: { reason: HOSTILE },
    at: new Date('2026-11-24T02:05:00.000Z'),
  });
  const news: RequesterNews[] = [{ kind: 'rejected', by: DBA, reason: HOSTILE }];

  const cases: Array<[string, Message | { text?: string; blocks: KnownBlock[] }]> = [
    ['the reject reply in the thread', rejectedReply(ticket, DBA, HOSTILE)],
    ...news.map((n): [string, Message] => [`the requester's DM (${n.kind})`, requesterNotice(ticket, n, null)]),
    ['the stop reply', stopRequestedReply(ticket, DBA, HOSTILE)],
    [
      'the approval message after a reject',
      ticketApprovalMessage({ ticket, events: [event('reject')], timezone: 'UTC' }),
    ],
    [
      'the ticket detail after a cancel',
      ticketDetailMessage({
        ticket: { ...ticket, state: 'cancelled' },
        events: [event('cancel')],
        timezone: 'UTC',
        viewer: { dba: true, user: DBA },
      }),
    ],
    [
      'a usage problem quoting the words',
      usageMessage({ verb: 'x', usage: 'x <sql>', summary: '', example: 'x' }, `\`${HOSTILE}\` is not one`),
    ],
    ['an unknown verb', unknownVerbMessage(HOSTILE, undefined, ['help'])],
    ['an error shown as plain text', plainMessage(`:warning: ${HOSTILE}`)],
    ['an error shown privately', problemNote(HOSTILE)],
    [
      'a migration with a where condition',
      {
        blocks: migrateDetailBlocks(
          MigratePayload.parse({
            source: { cluster: 'prod', schema: 'shop' },
            destination: { cluster: 'test', schema: 'shop' },
            tables: [HOSTILE],
            where: HOSTILE,
            mode: 'replace',
          }),
        ),
      },
    ],
  ];
  for (const [label, message] of cases) it(label, () => assertSafe(label, message));
});
