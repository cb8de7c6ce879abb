import assert from 'node:assert/strict';
import { corpus } from '../unit/review/agreement/corpus.js';
import { after, before, describe, it } from 'node:test';
import { ids } from '../../src/slack/ids.js';
import { DEV, DEV_CHANNEL, startHarness, type Harness } from '../support/harness.js';

const form = ids.reviewModal;

describe('review surfaces: form, mention, DM, .sql file, long reports', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });

  it('/dbops review with no SQL opens a form; submitting it posts the review in the channel', async () => {
    h.api.reset();
    await h.slack.slashCommand({ text: 'review', userId: DEV, channelId: DEV_CHANNEL });
    const opened = await h.api.waitFor('views.open');
    const view = opened.params.view as { callback_id: string; private_metadata: string };
    assert.equal(view.callback_id, form.callback);
    const viewId = h.api.openedViews[0]?.id;
    const bad = await h.slack.viewSubmission({
      userId: DEV,
      callbackId: form.callback,
      privateMetadata: view.private_metadata,
      viewId,
      values: {
        [form.targetBlock]: { [form.targetInput]: { type: 'plain_text_input', value: 'prd.shop' } },
        [form.sqlBlock]: { [form.sqlInput]: { type: 'plain_text_input', value: 'SELECT 1' } },
      },
    });
    assert.equal(bad.status, 200);
    assert.match(bad.body, /"response_action":"errors".*Cluster \\"prd\\" is not in dbops.yml \(known: prod, test\)/);
    await h.slack.viewSubmission({
      userId: DEV,
      callbackId: form.callback,
      privateMetadata: view.private_metadata,
      viewId,
      values: {
        [form.targetBlock]: { [form.targetInput]: { type: 'plain_text_input', value: null } },
        [form.sqlBlock]: { [form.sqlInput]: { type: 'plain_text_input', value: 'UPDATE t SET a = 1' } },
      },
    });
    const post = await h.api.waitFor('chat.postMessage', (c) => c.params.channel === DEV_CHANNEL);
    assert.match(String(post.params.text), /grade F/);
  });

  it('an unknown cluster in /dbops review names the known ones', async () => {
    h.api.reset();
    await h.slack.slashCommand({ text: 'review prd.shop SELECT 1', userId: DEV, channelId: DEV_CHANNEL });
    const reply = await h.api.waitFor('response_url');
    assert.match(
      String(reply.params.text),
      /cluster `prd` is not in dbops.yml — did you mean `prod`\? \(known: prod, test\)/,
    );
  });

  it('a mention with a ```sql block is reviewed in its thread', async () => {
    h.api.reset();
    await h.slack.eventCallback({
      type: 'app_mention',
      user: DEV,
      channel: DEV_CHANNEL,
      ts: '1700000000.000100',
      text: '<@U0DBOPSBOT> can you check ```DELETE FROM orders```',
    });
    const post = await h.api.waitFor('chat.postMessage');
    assert.equal(post.params.thread_ts, '1700000000.000100');
    assert.match(JSON.stringify(post.params.blocks), /statement\.where\.require\.update-delete/);
  });

  it('a .sql file shared in a DM is downloaded with the bot token and reviewed there', async () => {
    h.api.reset();
    const dm = h.api.dmChannel(DEV);
    const file = h.api.shareUserFile(DEV, dm, 'change.sql', 'SELECT * FROM t WHERE id = 1;\nTRUNCATE TABLE t;\n');
    await h.slack.eventCallback({
      type: 'message',
      subtype: 'file_share',
      channel_type: 'im',
      user: DEV,
      channel: dm,
      ts: '1700000001.000200',
      text: '',
      files: [file],
    });
    const post = await h.api.waitFor('chat.postMessage', (c) => c.params.channel === dm);
    assert.equal(post.params.thread_ts, '1700000001.000200');
    const blocks = JSON.stringify(post.params.blocks);
    assert.match(blocks, /statement\.disallow-truncate/);
    assert.match(blocks, /no-select-all/);
    const download = h.api.callsTo('file_download')[0] ?? h.api.calls.find((c) => c.method === 'file_download');
    assert.equal(download?.token, 'xoxb-test-token');
  });

  it('a DM without SQL gets a hint instead of silence', async () => {
    h.api.reset();
    await h.slack.eventCallback({
      type: 'message',
      channel_type: 'im',
      user: DEV,
      channel: h.api.dmChannel(DEV),
      ts: '1700000002.000300',
      text: 'hello?',
    });
    const post = await h.api.waitFor('chat.postMessage');
    assert.match(String(post.params.text), /```sql block/);
  });

  it('a finding on many statements is said once, with the statements it applies to', async () => {
    h.api.reset();
    const sql = Array.from({ length: 60 }, (_, i) => `DELETE FROM t${i};`).join('\n');
    await h.slack.slashCommand({ text: `review ${sql}`, userId: DEV, channelId: DEV_CHANNEL });
    const post = await h.api.waitFor('chat.postMessage', (c) => c.params.channel === DEV_CHANNEL);
    const text = JSON.stringify(post.params.blocks);
    assert.match(text, /statement\.where\.require\.update-delete` · ×60: statements 1, 2, 3, 4, 5, 6, 7, 8 …/);
    assert.match(text, /```DELETE FROM t0;\\nDELETE FROM t1;/, 'the reviewed SQL is quoted');
    assert.doesNotMatch(text, /the full report is in the thread/);
  });

  it('a report too long for one message is summarised, with the full report as a file in the thread', async () => {
    h.api.reset();
    // Many different problems: each rule is one finding group, more than one message holds.
    const sql = corpus
      .filter((c) => c.schema === undefined && c.fires && !c.sql.includes(';'))
      .slice(0, 70)
      .map((c) => `${c.sql};`)
      .join('\n');
    await h.slack.slashCommand({ text: `review ${sql}`, userId: DEV, channelId: DEV_CHANNEL });
    const post = await h.api.waitFor('chat.postMessage', (c) => c.params.channel === DEV_CHANNEL);
    const blocks = post.params.blocks as unknown[];
    assert.ok(blocks.length <= 50, 'within Slack’s 50-block limit');
    assert.match(JSON.stringify(blocks), /more findings; the full report is in the thread/);
    const completed = await h.api.waitFor('files.completeUploadExternal');
    const ts = (post.response.body as { ts: string }).ts;
    assert.equal(completed.params.thread_ts, ts);
    const stored = h.api.files.find((f) => f.name === 'dbops-review.txt');
    assert.match(
      stored?.bytes?.toString() ?? '',
      /review\.sql:1:1: error \[statement\.where\.require\.update-delete\]/,
    );
  });
});
