import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/kernel/logger.js';
import { DEV, DEV_CHANNEL, startHarness, type Harness } from '../support/harness.js';

/**
 * Slack signs `v0:{timestamp}:{body}`; a request whose timestamp is far from now is a replay (or a
 * forged clock), whichever side of now it lies on. Bolt refuses the past ones; dbops refuses both.
 */
describe('signed requests far from now', () => {
  let h: Harness;
  const logs: string[] = [];
  before(async () => {
    h = await startHarness({ logger: createLogger('info', {}, (line) => logs.push(line)) });
    await h.api.waitFor('auth.test'); // Bolt checks its token once at start; later calls would come from requests
  });
  after(async () => {
    await h.stop();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const review = { text: 'review DELETE FROM t', userId: DEV, channelId: DEV_CHANNEL };

  for (const [label, offset] of [
    ['10 minutes ahead', 10 * 60],
    ['a day ahead', 24 * 60 * 60],
    ['10 minutes behind', -10 * 60],
  ] as const) {
    it(`refuses a correctly signed request timestamped ${label} with 401, no Slack call, and a log line`, async () => {
      h.api.reset();
      logs.length = 0;
      const sent = await h.slack.slashCommand(review, { signing: { timestamp: now() + offset } });
      assert.equal(sent.status, 401);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(
        h.api.calls.map((c) => c.method),
        [],
        'no Slack call may follow a refused request',
      );
      assert.ok(
        logs.some((l) => /refused a Slack request/.test(l) || /Failed to parse and verify/.test(l)),
        `the refusal is logged:\n${logs.join('\n')}`,
      );
    });
  }

  it('logs how far off a future timestamp was', async () => {
    logs.length = 0;
    await h.slack.slashCommand(review, { signing: { timestamp: now() + 10 * 60 } });
    const line = logs.find((l) => /refused a Slack request/.test(l));
    assert.ok(line, logs.join('\n'));
    const entry = JSON.parse(line) as { skewSeconds?: number; path?: string };
    assert.ok(entry.skewSeconds !== undefined && entry.skewSeconds >= 599, line);
    assert.equal(entry.path, '/slack/events');
  });

  it('still serves a request signed a minute ahead (clocks drift a little) and one signed now', async () => {
    for (const timestamp of [now() + 60, now()]) {
      h.api.reset();
      const sent = await h.slack.slashCommand(review, { signing: { timestamp } });
      assert.equal(sent.status, 200);
      const post = await h.api.waitFor('chat.postMessage', (c) => c.params.channel === DEV_CHANNEL);
      assert.match(String(post.params.text), /grade F/);
    }
  });

  it('still refuses a request with a bad signature and a current timestamp (Bolt verifies it)', async () => {
    h.api.reset();
    const sent = await h.slack.slashCommand(review, { signing: 'bad' });
    assert.equal(sent.status, 401);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.api.calls.length, 0);
  });

  it('leaves /healthz alone (it carries no signature)', async () => {
    const res = await fetch(`http://127.0.0.1:${h.runtime.port}/healthz`);
    assert.equal(res.status, 200);
  });
});
