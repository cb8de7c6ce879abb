import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ids } from '../../src/slack/ids.js';
import { DEV, DEV_CHANNEL, type Harness } from '../support/harness.js';
import { useTicketFlow, waitForCall, type TicketFlow } from '../support/ticket-flow.js';

/** Names every plain JavaScript object answers to: a lookup by user text must not find them. */
const NAMES = ['constructor', '__proto__', 'valueOf', 'toString', 'hasOwnProperty', 'isPrototypeOf'];

/** What a user may see for such a name: that it is not a cluster, or (where the verb takes lower-case names only) how to write one. */
const NOT_A_CLUSTER = (name: string) =>
  new RegExp(`cluster \`${name}\` is not in dbops\\.yml(?: — did you mean \`\\w+\`\\?)? \\(known: prod, test\\)`);
const CLEAR_ANSWER = (name: string) =>
  new RegExp(`${NOT_A_CLUSTER(name).source}|give a cluster name \\(e\\.g\\. prod\\)`);

describe('cluster names that are also Object.prototype properties', () => {
  let h: Harness;
  let target: TicketFlow['target'];
  let reader: TicketFlow['reader'];
  useTicketFlow(undefined, (flow) => ({ h, target, reader } = flow));

  /** The bot's answer to `/dbops <text>`: a private one (response_url), or a post in the channel (a review). */
  const answerTo = async (text: string) => {
    const since = h.api.calls.length;
    const sent = await h.slack.slashCommand({ text, userId: DEV, channelId: DEV_CHANNEL });
    assert.equal(sent.status, 200);
    return waitForCall(
      h,
      (c) =>
        (c.method === 'response_url' && c.target?.user === DEV) ||
        (c.method === 'chat.postMessage' && c.params.channel === DEV_CHANNEL),
      since,
    );
  };

  const commands = (name: string, schema: string): Array<[string, RegExp]> => [
    [`review ${name}.${schema} SELECT 1`, NOT_A_CLUSTER(name)],
    [`exec ${name}.${schema} UPDATE orders SET status = 1 WHERE id = 1`, NOT_A_CLUSTER(name)],
    [`migrate ${name}.${schema}→test.${schema}_copy`, NOT_A_CLUSTER(name)],
    [`migrate test.${schema}→${name}.${schema}_copy`, NOT_A_CLUSTER(name)],
    [`meta ${name}.${schema}`, NOT_A_CLUSTER(name)],
    [`meta ${name}.${schema}.orders`, NOT_A_CLUSTER(name)],
    [`clusters ${name}`, CLEAR_ANSWER(name)],
    [`alerts ${name}`, CLEAR_ANSWER(name)],
    // Other words looked up in tables: object kinds, engine names, list scopes, ticket ids.
    [`migrate test.${schema}→test.${schema}_copy with ${name}`, /`with` takes views, triggers, routines, not /],
    [`review CREATE TABLE t (id INT PRIMARY KEY) ENGINE=${name}`, /SQL review: .* grade [A-F]/],
    [`tickets ${name}`, /say mine, pending or all/],
    [`ticket ${name}`, /is not a ticket id/],
  ];

  for (const name of NAMES) {
    it(`\`${name}\` gets a clear answer from every verb that takes a cluster, never "Something went wrong"`, async () => {
      for (const [text, expected] of commands(name, target.name)) {
        const reply = await answerTo(text);
        const answer = `${String(reply.params.text)}\n${JSON.stringify(reply.params.blocks)}`;
        assert.doesNotMatch(answer, /Something went wrong/, text);
        assert.match(String(reply.params.text), expected, text);
      }
      assert.deepEqual(await reader.store.listAll(), [], 'no ticket was opened');
    });
  }

  it('answers a DM asking for a review against such a cluster with the same clear message', async () => {
    for (const name of NAMES) {
      const since = h.api.calls.length;
      await h.slack.eventCallback({
        type: 'message',
        channel_type: 'im',
        channel: 'D0DEVDM001',
        user: DEV,
        text: `review ${name}.${target.name}\n\`\`\`sql\nSELECT 1\n\`\`\``,
        ts: `${Date.now() / 1000}`,
      });
      const reply = await waitForCall(
        h,
        (c) => c.method === 'chat.postMessage' && c.params.channel === 'D0DEVDM001',
        since,
      );
      assert.match(String(reply.params.text), NOT_A_CLUSTER(name));
    }
  });

  it('puts the same answer under the target field of the review and exec forms', async () => {
    for (const name of NAMES) {
      for (const [form, values] of [
        [
          ids.reviewModal,
          {
            [ids.reviewModal.targetBlock]: {
              [ids.reviewModal.targetInput]: { type: 'plain_text_input', value: `${name}.${target.name}` },
            },
            [ids.reviewModal.sqlBlock]: { [ids.reviewModal.sqlInput]: { type: 'plain_text_input', value: 'SELECT 1' } },
          },
        ],
        [
          ids.execModal,
          {
            [ids.execModal.targetBlock]: {
              [ids.execModal.targetInput]: { type: 'plain_text_input', value: `${name}.${target.name}` },
            },
            [ids.execModal.sqlBlock]: {
              [ids.execModal.sqlInput]: {
                type: 'plain_text_input',
                value: 'UPDATE orders SET status = 1 WHERE id = 1',
              },
            },
            [ids.execModal.runAtBlock]: { [ids.execModal.runAtInput]: { type: 'plain_text_input', value: 'tonight' } },
          },
        ],
      ] as const) {
        const sent = await h.slack.viewSubmission({
          userId: DEV,
          callbackId: form.callback,
          privateMetadata: JSON.stringify({ channel: DEV_CHANNEL }),
          values,
        });
        assert.equal(sent.status, 200, `${form.callback} ${name}: ${sent.body}`);
        const body = JSON.parse(sent.body) as { response_action?: string; errors?: Record<string, string> };
        assert.equal(body.response_action, 'errors', `${form.callback} ${name}: ${sent.body}`);
        assert.match(body.errors?.[form.targetBlock] ?? '', new RegExp(`\`?"?${name}"?\`? is not in dbops\\.yml`, 'i'));
      }
    }
  });
});
