import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEV, DEV_CHANNEL, startHarness, type Harness } from '../support/harness.js';

describe('/dbops review over signed HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
  });

  it('acknowledges at once, then posts the review with the error finding', async () => {
    const sent = await h.slack.slashCommand({ text: 'review DELETE FROM t', userId: DEV, channelId: DEV_CHANNEL });
    assert.equal(sent.status, 200);
    assert.ok(sent.elapsedMs < 1500, `ack took ${sent.elapsedMs} ms; Slack gives up after 3 s`);
    const post = await h.api.waitFor('chat.postMessage', (c) => c.params.channel === DEV_CHANNEL);
    const text = JSON.stringify(post.params.blocks);
    assert.match(String(post.params.text), /grade F/);
    assert.match(text, /statement\.where\.require\.update-delete/);
    assert.match(text, /every row/);
  });

  it('gives SELECT 1 a passing grade', async () => {
    h.api.reset();
    await h.slack.slashCommand({ text: 'review SELECT 1', userId: DEV, channelId: DEV_CHANNEL });
    const post = await h.api.waitFor('chat.postMessage', (c) => c.params.channel === DEV_CHANNEL);
    assert.match(String(post.params.text), /Clean · grade A \(100\/100\)/);
    assert.match(JSON.stringify(post.params.blocks), /SQL review: Clean/);
  });

  it('answers through response_url when the bot is not in the channel', async () => {
    h.api.reset();
    h.api.failNext('chat.postMessage', { kind: 'error', error: 'not_in_channel' });
    await h.slack.slashCommand({ text: 'review SELECT * FROM t', userId: DEV, channelId: 'C0NOTJOINED' });
    const reply = await h.api.waitFor('response_url');
    assert.equal(reply.params.response_type, 'in_channel');
    assert.match(JSON.stringify(reply.params.blocks), /no-select-all/);
  });

  it('lists every verb with an example in help, and suggests the closest verb for a typo', async () => {
    h.api.reset();
    await h.slack.slashCommand({ text: 'help', userId: DEV, channelId: DEV_CHANNEL });
    const help = await h.api.waitFor('response_url');
    assert.match(JSON.stringify(help.params.blocks), /\/dbops review/);
    assert.equal(help.params.response_type, 'ephemeral');
    h.api.reset();
    await h.slack.slashCommand({ text: 'reveiw SELECT 1', userId: DEV, channelId: DEV_CHANNEL });
    const typo = await h.api.waitFor('response_url');
    assert.equal(typo.params.response_type, 'ephemeral');
    assert.match(String(typo.params.text), /Did you mean `\/dbops review`/);
  });

  it('answers a review with no SQL with the review form, not an error', async () => {
    h.api.reset();
    await h.slack.slashCommand({ text: 'review   ', userId: DEV, channelId: DEV_CHANNEL });
    const opened = await h.api.waitFor('views.open');
    assert.equal((opened.params.view as { callback_id?: string }).callback_id, 'dbops.review.modal');
    assert.equal(h.api.callsTo('response_url').length, 0);
  });

  for (const signing of ['none', 'bad', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }] as const) {
    it(`rejects a request signed '${JSON.stringify(signing)}' with 401 before any handler`, async () => {
      h.api.reset();
      const sent = await h.slack.slashCommand(
        { text: 'review DELETE FROM t', userId: DEV, channelId: DEV_CHANNEL },
        { signing },
      );
      assert.equal(sent.status, 401);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(h.api.calls.length, 0, 'no Slack call may follow a rejected request');
    });
  }

  it('answers /healthz', async () => {
    const res = await fetch(`http://127.0.0.1:${h.runtime.port}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true, checks: { meta: 'ok', redis: 'ok' } });
  });
});
