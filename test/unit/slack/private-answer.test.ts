import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { postToResponseUrl, type surfaceOf } from '../../../src/slack/private-answer.js';
import { originOf, readClick } from '../../../src/slack/listeners/ticket-actions.js';
import { surfaceOfOrigin } from '../../../src/slack/listeners/ticket-forms.js';

const click = (extra: Record<string, unknown>) => ({
  type: 'block_actions',
  user: { id: 'U1' },
  trigger_id: 't',
  actions: [{ action_id: 'a', value: 'T-42' }],
  ...extra,
});

describe('where a click came from, and back', () => {
  const cases: Array<[string, Record<string, unknown>, ReturnType<typeof surfaceOf>]> = [
    [
      'a channel message',
      {
        container: { type: 'message', channel_id: 'C1', message_ts: '1.1', is_ephemeral: false },
        response_url: 'https://hooks.slack.com/x',
      },
      { kind: 'message', channel: 'C1', ts: '1.1', ephemeral: false, responseUrl: 'https://hooks.slack.com/x' },
    ],
    [
      'an ephemeral message',
      {
        container: { type: 'message', channel_id: 'C1', message_ts: '1.2', is_ephemeral: true },
        response_url: 'https://hooks.slack.com/y',
      },
      { kind: 'message', channel: 'C1', ts: '1.2', ephemeral: true, responseUrl: 'https://hooks.slack.com/y' },
    ],
    [
      'the App Home',
      { container: { type: 'view', view_id: 'V1' }, view: { type: 'home', id: 'V1' } },
      { kind: 'home' },
    ],
  ];
  for (const [name, body, expected] of cases) {
    it(name, () => {
      const read = readClick(click(body));
      assert.ok(read);
      assert.equal(read.ticketId, 42);
      assert.deepEqual(read.surface, expected);
      // A modal opened from the click answers on the same surface.
      const back = surfaceOfOrigin(originOf(read));
      assert.equal(back.kind, expected.kind);
      if (expected.kind === 'message' && back.kind === 'message') assert.equal(back.ephemeral, expected.ephemeral);
    });
  }

  it('refuses a click whose value is not a ticket ref', () => {
    assert.equal(readClick({ ...click({}), actions: [{ action_id: 'a', value: 'DROP TABLE x' }] }), null);
  });

  it('posts to a response_url only on Slack’s origins', async () => {
    await assert.rejects(
      postToResponseUrl('https://evil.example/hook', {}, { responseOrigins: ['https://hooks.slack.com'] }),
      /must point at Slack/,
    );
    await assert.rejects(
      postToResponseUrl('not a url', {}, { responseOrigins: ['https://hooks.slack.com'] }),
      /not a response_url/,
    );
  });
});
