import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { escapeSlack } from '../../src/dev/workspace/actions.js';
import { ids } from '../../src/slack/ids.js';
import { APPROVAL_CHANNEL, DBA, DEV, DEV_CHANNEL, type Harness } from '../support/harness.js';
import { assertNoInjectedMarkup, HOSTILE, markupProblem, mrkdwnStrings } from '../support/slack-markup.js';
import {
  approvalMessage,
  clickOn,
  createTargetSchema,
  edited,
  refIn,
  slash,
  ticketOf,
  useTicketFlow,
  waitForCall,
  type TicketFlow,
} from '../support/ticket-flow.js';

/** HOSTILE as Slack shows it once escaped: what every surface must display. */
const SHOWN = '&lt;!channel&gt; &lt;!here&gt; &lt;https://evil.example/x|click here&gt; &lt;@U0EVIL001&gt;';

/**
 * User text with mrkdwn in it — reject, cancel and exception reasons, SQL, names, a file name, a
 * server error quoting the SQL — goes through every surface: the approval message, its thread, the
 * requester's DM, ephemeral answers, the forms, the App Home, the status message, the alert. Each
 * shows the text as typed, and no recorded Slack call carries it as markup.
 */
describe('user text is escaped on every surface', () => {
  let h: Harness;
  let target: TicketFlow['target'];
  let reader: TicketFlow['reader'];
  useTicketFlow({ workers: true }, (flow) => ({ h, target, reader } = flow));
  let copy: Awaited<ReturnType<typeof createTargetSchema>>;
  before(async () => {
    copy = await createTargetSchema();
  });
  after(async () => {
    await copy?.drop();
  });
  after(() => {
    // The last word, over every call the whole file made (also those of a failed test).
    if (h) assertNoInjectedMarkup(h.api.calls);
  });

  /** Slash commands arrive as Slack sends them: with &, < and > escaped. */
  const typed = (h: Harness, text: string) => slash(h, escapeSlack(text));

  /** Submit the open modal `form` with `value` in its reason field. */
  const submitReason = async (form: { callback: string; reasonBlock: string; reasonInput: string }, user: string) => {
    const viewId = h.api.openedViews.at(-1)?.id;
    const sent = await h.slack.viewSubmission({
      userId: user,
      callbackId: form.callback,
      viewId,
      values: { [form.reasonBlock]: { [form.reasonInput]: { type: 'plain_text_input', value: HOSTILE } } },
    });
    assert.equal(sent.status, 200);
  };

  it('a reject reason: in the approval message, the thread and the requester’s DM, escaped', async () => {
    const ref = refIn(await typed(h, `exec prod.${target.name} UPDATE orders SET note = '${HOSTILE}' WHERE id = 1`));
    assert.ok(JSON.stringify(approvalMessage(h, ref).blocks).includes(SHOWN), 'the SQL shows as typed');
    const since = h.api.calls.length;
    await clickOn(h, approvalMessage(h, ref), DBA, 'reject', ref);
    await waitForCall(h, (c) => c.method === 'views.open', since);
    await submitReason(ids.rejectModal, DBA);
    await edited(h, ref, /Rejected/);
    const dm = await waitForCall(
      h,
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === h.api.dmChannel(DEV) &&
        /rejected/.test(String(c.params.text)),
      since,
    );
    for (const string of mrkdwnStrings(dm)) assert.equal(markupProblem(string.text), undefined, string.text);
    assert.ok(String(dm.params.text).includes(SHOWN), String(dm.params.text));
    assert.ok(JSON.stringify(dm.params.blocks).includes(SHOWN));
    const reply = await waitForCall(
      h,
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.thread_ts === approvalMessage(h, ref).ts &&
        /rejected/.test(String(c.params.text)),
      since,
    );
    assert.ok(JSON.stringify(reply.params.blocks).includes(SHOWN));
    const ticket = await ticketOf(reader.store, ref);
    const reject = (await reader.store.events(ticket.id)).find((e) => e.action === 'reject');
    assert.equal(reject?.note.reason, HOSTILE, 'the reason is kept as typed');
  });

  it('a cancel reason typed in /dbops cancel is kept as typed (Slack’s escapes undone once) and shown escaped', async () => {
    const ref = refIn(await typed(h, `exec prod.${target.name} UPDATE orders SET status = 3 WHERE id = 2`));
    await typed(h, `cancel ${ref} ${HOSTILE}`);
    const update = await edited(h, ref, /Cancelled/);
    assert.ok(JSON.stringify(update.params.blocks).includes(SHOWN), JSON.stringify(update.params.blocks));
    const ticket = await ticketOf(reader.store, ref);
    const cancel = (await reader.store.events(ticket.id)).find((e) => e.action === 'cancel');
    assert.equal(cancel?.note.reason, HOSTILE, 'stored as typed, not as Slack escaped it');
    const detail = await typed(h, `ticket ${ref}`);
    assert.ok(JSON.stringify(detail.params.blocks).includes(SHOWN), 'the history shows the reason');
  });

  it('an exception reason: in the approval message and the ticket’s detail', async () => {
    const since = h.api.calls.length;
    const ref = refIn(await typed(h, `exec prod.${target.name} DELETE FROM orders`));
    const answer = h.api
      .messages(DEV_CHANNEL)
      .find((m) => m.ephemeral && m.ephemeralTo === DEV && m.text?.startsWith(`${ref} is blocked`));
    assert.ok(answer);
    await clickOn(h, answer, DEV, 'requestException', ref);
    await waitForCall(h, (c) => c.method === 'views.open', since);
    await submitReason(ids.exceptionModal, DEV);
    await waitForCall(
      h,
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === APPROVAL_CHANNEL &&
        String(c.params.text).startsWith(`${ref}:`),
      since,
    );
    assert.ok(JSON.stringify(approvalMessage(h, ref).blocks).includes(SHOWN));
    await waitForCall(
      h,
      (c) => c.method === 'response_url' && /went to the DBAs as an exception request/.test(String(c.params.text)),
      since,
    );
    await h.slack.eventCallback({ type: 'app_home_opened', user: DBA, channel: h.api.dmChannel(DBA), tab: 'home' });
    await waitForCall(h, (c) => c.method === 'views.publish' && c.params.user_id === DBA, since);
  });

  it('names and words that are not what the command wants are quoted back escaped', async () => {
    for (const text of [
      `exec ${HOSTILE} UPDATE orders SET status = 1 WHERE id = 1`,
      `meta ${HOSTILE}`,
      `ticket ${HOSTILE}`,
      `tickets ${HOSTILE}`,
      `cancel ${HOSTILE}`,
      `nosuchverb${HOSTILE}`,
      `migrate test.${target.name}→test.${target.name}_copy mode ${HOSTILE}`,
      `migrate test.${target.name}→test.${target.name}_copy with ${HOSTILE}`,
      `migrate test.${target.name}→test.${copy.name} mode replace where "note = '${HOSTILE}' AND nosuch = 1"`,
    ]) {
      const answer = await typed(h, text);
      const strings = mrkdwnStrings(answer);
      assert.ok(strings.length > 0, text);
      for (const string of strings) assert.equal(markupProblem(string.text), undefined, `${text}\n${string.text}`);
      assert.ok(
        String(answer.params.text).includes('&lt;!channel&gt;'),
        `${text}: the answer quotes the words\n${answer.params.text}`,
      );
    }
  });

  it('SQL in a review, in a DM, and a file name: escaped', async () => {
    const since = h.api.calls.length;
    await h.slack.slashCommand({
      text: escapeSlack(`review SELECT id FROM orders WHERE note LIKE '%${HOSTILE}'`),
      userId: DEV,
      channelId: DEV_CHANNEL,
    });
    const review = await waitForCall(
      h,
      (c) => c.method === 'chat.postMessage' && c.params.channel === DEV_CHANNEL,
      since,
    );
    assert.ok(JSON.stringify(review.params.blocks).includes('&lt;!channel&gt;'), JSON.stringify(review.params.blocks));
    const dm = h.api.dmChannel(DEV);
    await h.slack.eventCallback({
      type: 'message',
      channel_type: 'im',
      user: DEV,
      channel: dm,
      ts: '1700000002.000100',
      text: escapeSlack(`\`\`\`sql\nSELECT '${HOSTILE}' FROM orders\n\`\`\``),
    });
    await waitForCall(h, (c) => c.method === 'chat.postMessage' && c.params.thread_ts === '1700000002.000100', since);
    await h.slack.eventCallback({
      type: 'message',
      subtype: 'file_share',
      channel_type: 'im',
      user: DEV,
      channel: dm,
      ts: '1700000002.000200',
      text: '',
      files: [{ name: `${HOSTILE}.sql`, size: 3 * 1024 * 1024, url_private: `${h.api.origin}/files/F0NOPE` }],
    });
    const tooBig = await waitForCall(
      h,
      (c) => c.method === 'chat.postMessage' && c.params.thread_ts === '1700000002.000200',
      since,
    );
    assert.match(String(tooBig.params.text), /is over 2 MB/);
    assert.ok(String(tooBig.params.text).includes('&lt;!channel&gt;'), String(tooBig.params.text));
  });

  it('a run whose server error quotes the SQL: thread, status message, DM and alert escaped', async () => {
    const since = h.api.calls.length;
    // `test` needs no approval: the clean review approves it, a worker runs it, and MariaDB refuses
    // the value with an error that quotes it.
    const ref = refIn(await typed(h, `exec test.${target.name} UPDATE orders SET status = '${HOSTILE}' WHERE id = 2`));
    const end = await waitForCall(
      h,
      (c) =>
        c.method === 'chat.postMessage' &&
        /failed after/.test(String(c.params.text)) &&
        String(c.params.text).includes(ref),
      since,
      30_000,
    );
    assert.ok(JSON.stringify(end.params.blocks).includes('&lt;!channel&gt;'), JSON.stringify(end.params.blocks));
    const statement = await waitForCall(
      h,
      (c) => c.method === 'chat.postMessage' && /statement 1\/1 failed/.test(String(c.params.text)),
      since,
    );
    assert.ok(String(statement.params.text).includes('&lt;!channel&gt;'), 'the milestone quotes the server error');
    const alert = await waitForCall(
      h,
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === 'C0DBALERTS' &&
        JSON.stringify(c.params.blocks).includes(ref),
      since,
    );
    assert.ok(JSON.stringify(alert.params.blocks).includes('&lt;!channel&gt;'), JSON.stringify(alert.params.blocks));
    const status = await waitForCall(
      h,
      (c) =>
        c.method === 'chat.update' &&
        /Failed/.test(JSON.stringify(c.params.blocks)) &&
        String(c.params.text).startsWith(ref),
      since,
    );
    assert.ok(JSON.stringify(status.params.blocks).includes('&lt;!channel&gt;'), JSON.stringify(status.params.blocks));
    await waitForCall(
      h,
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === h.api.dmChannel(DEV) &&
        String(c.params.text).startsWith(`${ref}:`),
      since,
    );
  });

  it('every Slack call of this file: no user text as markup', () => {
    assert.ok(assertNoInjectedMarkup(h.api.calls) > 100, 'the check looked at the messages');
  });
});
