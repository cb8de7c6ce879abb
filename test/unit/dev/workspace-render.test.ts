import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderAttachments, renderBlocks, renderMessageBody } from '../../../src/dev/workspace/render/blocks.js';
import {
  mrkdwnToHtml,
  permalinkTarget,
  plainToHtml,
  type RenderContext,
} from '../../../src/dev/workspace/render/mrkdwn.js';
import { renderFile, renderModal } from '../../../src/dev/workspace/render/surfaces.js';
import { ticketApprovalMessage } from '../../../src/slack/views/ticket-approval.js';
import { execModalView, rejectModalView } from '../../../src/slack/views/ticket-modals.js';
import type { Ticket } from '../../../src/tickets/ticket.js';
import { makeTicket, withAbout } from '../tickets/make-ticket.js';

const ctx: RenderContext = {
  userName: (id) => ({ U0DEV: 'alex.dev', U0DBA: 'dana.dba' })[id],
  channelName: (id) => ({ C0APPROVALS: 'dba-approvals' })[id],
  teamHost: 'dbops-local.slack.com',
};
const md = (text: string) => mrkdwnToHtml(text, ctx);

const TAGS = new Set([
  'b',
  'i',
  's',
  'br',
  'code',
  'pre',
  'blockquote',
  'span',
  'a',
  'div',
  'hr',
  'button',
  'label',
  'input',
  'textarea',
  'select',
  'option',
  'ul',
  'ol',
  'li',
  'details',
  'summary',
]);
const ATTRS =
  /^(class|href|target|rel|title|id|for|type|value|placeholder|maxlength|rows|name|hidden|selected|disabled|checked|data-[a-z-]+)$/;

/**
 * Every tag and attribute in the HTML is one the renderers mean to write (so nothing a message
 * carried became markup), and links go only to http(s), mailto or the page itself.
 */
function assertInert(html: string): void {
  for (const tag of html.match(/<[^>]*>/g) ?? []) {
    const m = /^<\/?([a-z0-9]+)((?:\s[a-z-]+(?:="[^"<>]*")?)*)\s*>$/.exec(tag);
    assert.ok(m, `not a well-formed tag: ${tag} in ${html}`);
    assert.ok(TAGS.has(m[1]), `unexpected <${m[1]}> in ${html}`);
    for (const [, name, value = ''] of m[2].matchAll(/\s([a-z-]+)(?:="([^"]*)")?/g)) {
      assert.match(name, ATTRS, `unexpected attribute ${name} in ${tag}`);
      if (name === 'href') assert.match(value, /^(https?:|mailto:|#$)/, `unsafe link ${value}`);
    }
  }
}

describe('workspace mrkdwn', () => {
  const cases: Array<[string, string, string]> = [
    ['bold', '*T-1* is ready', '<b>T-1</b> is ready'],
    ['italic', 'an _italic_ word', 'an <i>italic</i> word'],
    ['strike', '~gone~', '<s>gone</s>'],
    [
      'inline code keeps its stars',
      'run `SELECT *  FROM t` now',
      'run <code class="mk-code">SELECT *  FROM t</code> now',
    ],
    ['code block, first line break dropped', '```\nSELECT 1;\n```', '<pre class="mk-pre">SELECT 1;</pre>'],
    ['user mention by name', 'by <@U0DBA>', 'by <span class="mk-mention" data-user="U0DBA">@dana.dba</span>'],
    ['unknown user keeps its id', '<@U0NOBODY>', '<span class="mk-mention" data-user="U0NOBODY">@U0NOBODY</span>'],
    [
      'channel',
      'in <#C0APPROVALS>',
      'in <a class="mk-channel" href="#" data-nav-channel="C0APPROVALS">#dba-approvals</a>',
    ],
    [
      'link with text',
      '<https://example.com/a?b=1&amp;c=2|the docs>',
      '<a class="mk-link" href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the docs</a>',
    ],
    ['special mention', '<!here> look', '<span class="mk-mention mk-broadcast">@here</span> look'],
    ['quote line', 'said:\n> keep it', 'said:<br><blockquote class="mk-quote">keep it</blockquote>'],
    [
      'emoji from the map',
      ':white_check_mark: done',
      '<span class="mk-emoji" title=":white_check_mark:">✅</span> done',
    ],
    ['unknown emoji stays text', ':no_such_emoji:', ':no_such_emoji:'],
    ['snake_case is not italic', 'orders_by_day', 'orders_by_day'],
    ['slack escapes shown as characters', 'a &lt; b &amp;&amp; c &gt; d', 'a &lt; b &amp;&amp; c &gt; d'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.equal(md(input), expected));
  }

  it('a permalink to this team opens in the workspace, thread and all', () => {
    const html = md(
      'See <https://dbops-local.slack.com/archives/C0APPROVALS/p1700000000000100?thread_ts=1700000000.000100&amp;cid=C0APPROVALS|the request>',
    );
    assert.match(
      html,
      /data-nav-channel="C0APPROVALS" data-nav-ts="1700000000\.000100" data-nav-thread="1700000000\.000100">the request<\/a>/,
    );
    assert.equal(
      permalinkTarget('https://elsewhere.slack.com/archives/C1/p1700000000000100', 'dbops-local.slack.com'),
      undefined,
    );
  });

  it('escapes what people typed, wherever it lands', () => {
    const attacks = [
      '<script>alert(1)</script>',
      '&lt;img src=x onerror=alert(1)&gt;',
      '`&lt;/code&gt;&lt;script&gt;x()&lt;/script&gt;`',
      '```&lt;/pre&gt;&lt;svg onload=alert(1)&gt;```',
      '<javascript:alert(1)|click me>',
      '<https://ok.example/"onmouseover="alert(1)|x>',
      '<@U0\u0000"><img src=x>',
      '*<b onclick=x>*',
      '> &lt;iframe src=javascript:alert(1)&gt;',
      ':"><script>:',
    ];
    for (const attack of attacks) assertInert(md(attack));
    assert.equal(md('<javascript:alert(1)|click me>'), 'click me');
    assert.equal(md('&lt;img src=x onerror=alert(1)&gt;'), '&lt;img src=x onerror=alert(1)&gt;');
  });

  it('plain_text escapes and keeps emoji unless told not to', () => {
    assert.equal(plainToHtml('<b> :tada:'), '&lt;b&gt; <span class="mk-emoji" title=":tada:">🎉</span>');
    assert.equal(plainToHtml(':tada:', false), ':tada:');
  });
});

const ticket: Ticket = withAbout({
  ...makeTicket({
    id: 7,
    ref: 'T-7',
    requester: 'U0DEV',
    review: {
      summary: { errors: 0, warnings: 1, notices: 0, score: 92, grade: 'A' },
      findings: [
        {
          rule: 'column.comment',
          severity: 'warning',
          message: 'a <b>bold</b> claim',
          statement: 0,
          line: 1,
          column: 1,
        },
      ],
    },
  }),
  kind: 'sql-change',
  payload: { sql: "UPDATE orders SET note = '<script>x</script>' WHERE id = 1" },
});
/** A view as Slack holds it: plain JSON. */
const json = (view: object): Record<string, unknown> => JSON.parse(JSON.stringify(view));

describe('workspace Block Kit', () => {
  it("renders dbops's approval message: header, fields, SQL, findings, buttons with their confirm dialog", () => {
    const message = ticketApprovalMessage({ ticket, events: [], timezone: 'UTC' });
    const html = renderMessageBody(message, ctx);
    assertInert(html);
    assert.match(html, /<div class="bk-header">T-7 · SQL change on prod\.shop<\/div>/);
    assert.match(
      html,
      /<div class="bk-fields"><div class="bk-field"><b>Target<\/b><br><code class="mk-code">prod\.shop<\/code>/,
    );
    assert.match(html, /<b>Requested by<\/b><br><span class="mk-mention" data-user="U0DEV">@alex\.dev<\/span>/);
    assert.match(html, /UPDATE orders SET note = &#39;&lt;script&gt;x&lt;\/script&gt;&#39; WHERE id = 1/);
    assert.match(html, /a &lt;b&gt;bold&lt;\/b&gt; claim/);
    const approve = /<button type="button" class="bk-button bk-button-primary" ([^>]*)>Approve<\/button>/.exec(html);
    assert.ok(approve, html);
    assert.match(
      approve[1],
      /data-action-id="dbops\.ticket\.approve" data-block-id="dbops\.ticket\.actions\.7" data-value="T-7"/,
    );
    assert.match(approve[1], /data-confirm-title="Approve T-7 on prod\?"/);
    assert.match(approve[1], /data-confirm-ok="Approve" data-confirm-deny="Not yet"/);
    assert.match(
      html,
      /<button type="button" class="bk-button bk-button-danger" [^>]*data-action-id="dbops\.ticket\.reject"[^>]*>Reject…<\/button>/,
    );
  });

  it('renders context, divider, accessory buttons and unknown blocks', () => {
    const html = renderBlocks(
      [
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: '*a*' },
            { type: 'plain_text', text: 'b' },
          ],
        },
        { type: 'divider' },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'x' },
          accessory: { type: 'button', action_id: 'go', value: 'v', text: { type: 'plain_text', text: 'Go' } },
        },
        { type: 'video', title: { type: 'plain_text', text: '<b>' } },
      ],
      ctx,
    );
    assert.match(
      html,
      /<div class="bk-context"><span class="bk-context-text"><b>a<\/b><\/span><span class="bk-context-text">b<\/span><\/div><hr class="bk-divider">/,
    );
    assert.match(html, /bk-with-accessory.*data-action-id="go" data-block-id="b2" data-value="v">Go<\/button>/);
    assert.match(html, /\[video block: not shown in the local workspace\]/);
  });

  it("renders dbops's modals: inputs with ids, optional labels, hints, initial values and error slots", () => {
    const view = execModalView({ channel: 'C1' }, ['prod', 'test'], { target: 'prod."><script>' });
    const modal = renderModal(json(view), { viewId: 'V1', depth: 0 }, ctx);
    assertInert(modal.html);
    assert.equal(modal.title, 'Request a SQL change');
    assert.equal(modal.submit, 'Review and submit');
    assert.equal(modal.close, 'Cancel');
    assert.match(
      modal.html,
      /<select class="bk-field-input" id="in-cluster-cluster_input" data-block-id="cluster" data-action-id="cluster_input" data-type="static_select"><option value="" disabled>Pick a cluster<\/option><option value="prod" selected>prod<\/option><option value="test">test<\/option><\/select>/,
    );
    assert.match(
      modal.html,
      /<input class="bk-field-input" type="text" id="in-schema-schema_input" data-block-id="schema" data-action-id="schema_input" data-type="plain_text_input" placeholder="shop" value="&quot;&gt;&lt;script&gt;">/,
    );
    assert.match(
      modal.html,
      /<textarea class="bk-field-input bk-multiline" rows="6" [^>]*data-block-id="sql" data-action-id="sql_input"[^>]* maxlength="3000"><\/textarea>/,
    );
    assert.match(modal.html, /Start on <span class="bk-optional">\(optional\)<\/span>/);
    assert.match(modal.html, /type="date" id="in-run_date-run_date_input"[^>]*data-type="datepicker"/);
    assert.match(modal.html, /type="time" id="in-run_time-run_time_input"[^>]*data-type="timepicker"/);
    assert.match(modal.html, /<div class="bk-hint">In the cluster&#39;s time zone\./);
    assert.match(modal.html, /<div class="bk-error" data-error-for="run_time" hidden><\/div>/);
    const reject = renderModal(json(rejectModalView(ticket, { ticketId: 7 })), { viewId: 'V2', depth: 1 }, ctx);
    assert.match(reject.html, /data-input-block="reason" data-optional="false"/);
    assert.equal(reject.depth, 1);
  });

  it('renders selects, checkboxes and radio buttons with their initial choices', () => {
    const opt = (v: string) => ({ text: { type: 'plain_text', text: `<${v}>` }, value: v });
    const html = renderBlocks(
      [
        {
          type: 'input',
          block_id: 's',
          label: { type: 'plain_text', text: 'S' },
          element: { type: 'static_select', action_id: 'a', options: [opt('x'), opt('y')], initial_option: opt('y') },
        },
        {
          type: 'input',
          block_id: 'c',
          label: { type: 'plain_text', text: 'C' },
          element: { type: 'checkboxes', action_id: 'a', options: [opt('x'), opt('y')], initial_options: [opt('x')] },
        },
      ],
      ctx,
    );
    assertInert(html);
    assert.match(html, /<option value="y" selected>&lt;y&gt;<\/option>/);
    assert.match(html, /type="checkbox" id="in-c-a-0" name="in-c-a" value="x" data-label="&lt;x&gt;" checked>/);
  });

  it('renders legacy attachments and falls back to the text when there are no blocks', () => {
    assert.equal(renderMessageBody({ text: '*hi*' }, ctx), '<div class="bk-text"><b>hi</b></div>');
    const html = renderAttachments(
      [{ color: 'danger', title: '<t>', text: '_x_', fields: [{ title: 'F', value: '`v`' }] }],
      ctx,
    );
    assert.match(
      html,
      /^<div class="att att-danger"><div class="att-title">&lt;t&gt;<\/div><div class="att-text"><i>x<\/i><\/div>/,
    );
  });

  it('shows a file with its first lines and the rest behind "Show all"', () => {
    const short = renderFile({ id: 'F1', name: 'a.sql', size: 20, content: 'SELECT "<x>";' });
    assert.match(short, /<pre class="file-preview">SELECT &quot;&lt;x&gt;&quot;;<\/pre>/);
    const long = renderFile({
      id: 'F2',
      name: 'T-1.sql',
      title: 'T-1: the full SQL',
      size: 5000,
      content: Array.from({ length: 40 }, (_, i) => `UPDATE t SET a = ${i};`).join('\n'),
    });
    assert.match(long, /<span class="file-title">T-1: the full SQL<\/span><span class="file-size">4\.9 KB<\/span>/);
    assert.match(long, /Show all 40 lines/);
    assert.match(long, /UPDATE t SET a = 39;<\/pre><\/details>/);
  });
});
