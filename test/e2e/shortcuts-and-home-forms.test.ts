import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';
import { ids } from '../../src/slack/ids.js';
import { DEV, DEV_CHANNEL, type Harness } from '../support/harness.js';
import { type TicketFlow, useTicketFlow, waitForCall } from '../support/ticket-flow.js';

const Manifest = z.object({
  features: z.object({
    shortcuts: z.array(z.object({ name: z.string(), type: z.enum(['message', 'global']), callback_id: z.string() })),
  }),
});

describe('shortcuts and the App Home forms over signed HTTP', () => {
  let h: Harness;
  let target: TicketFlow['target'];
  useTicketFlow(undefined, (flow) => ({ h, target } = flow));

  /** The modal views.open opened for `user` from call index `since` on. */
  const opened = async (since: number, callbackId: string) => {
    const call = await waitForCall(h, (c) => c.method === 'views.open', since);
    const view = z.object({ callback_id: z.string(), id: z.string().optional() }).passthrough().parse(call.params.view);
    assert.equal(view.callback_id, callbackId);
    const stored = h.api.openedViews.find((v) => v.view.callback_id === callbackId);
    assert.ok(stored, `the fake holds the ${callbackId} modal`);
    return stored;
  };

  it('manifest.yml declares both shortcuts with the callback ids dbops listens to', () => {
    const manifest = Manifest.parse(parse(readFileSync('manifest.yml', 'utf8')));
    assert.deepEqual(
      manifest.features.shortcuts.map((s) => [s.type, s.name, s.callback_id]),
      [
        ['message', 'Review SQL with dbops', ids.shortcuts.reviewMessage],
        ['global', 'Request a database change', ids.shortcuts.requestChange],
      ],
    );
  });

  it('"Review SQL with dbops" on a message reviews its SQL block and answers in its thread', async () => {
    const posted = h.api.postUserMessage({
      user: DEV,
      channel: DEV_CHANNEL,
      text: 'can someone check this?\n```sql\nDELETE FROM orders\n```',
    });
    const since = h.api.calls.length;
    const sent = await h.slack.shortcut({
      userId: DEV,
      callbackId: ids.shortcuts.reviewMessage,
      channelId: DEV_CHANNEL,
      messageTs: posted.ts,
    });
    assert.equal(sent.status, 200);
    const reply = await waitForCall(
      h,
      (c) => c.method === 'chat.postMessage' && c.params.channel === DEV_CHANNEL && c.params.thread_ts === posted.ts,
      since,
    );
    assert.match(JSON.stringify(reply.params.blocks), /statement\.where\.require\.update-delete|WHERE/);
  });

  it('a message with nothing to review gets a private note, not a thread reply', async () => {
    const posted = h.api.postUserMessage({ user: DEV, channel: DEV_CHANNEL, text: '<@U0DBA00001>' });
    const since = h.api.calls.length;
    await h.slack.shortcut({
      userId: DEV,
      callbackId: ids.shortcuts.reviewMessage,
      channelId: DEV_CHANNEL,
      messageTs: posted.ts,
    });
    const note = await waitForCall(h, (c) => c.method === 'response_url' && c.target?.user === DEV, since);
    assert.match(String(note.params.text), /no text to review/);
    assert.equal(h.api.replies(DEV_CHANNEL, posted.ts).length, 0);
  });

  it('"Request a database change" opens the exec form; its answer reaches the requester by DM', async () => {
    const since = h.api.calls.length;
    await h.slack.shortcut({ userId: DEV, callbackId: ids.shortcuts.requestChange });
    const modal = await opened(since, ids.execModal.callback);
    const f = ids.execModal;
    const before = h.api.calls.length;
    await h.slack.viewSubmission({
      userId: DEV,
      callbackId: f.callback,
      viewId: modal.id,
      values: {
        [f.targetBlock]: { [f.targetInput]: { type: 'plain_text_input', value: `prod.${target.name}` } },
        [f.sqlBlock]: {
          [f.sqlInput]: { type: 'plain_text_input', value: 'UPDATE orders SET status = 7 WHERE id = 1' },
        },
        [f.runAtBlock]: { [f.runAtInput]: { type: 'plain_text_input', value: '' } },
      },
    });
    const dm = await waitForCall(
      h,
      (c) =>
        c.method === 'chat.postMessage' &&
        c.params.channel === h.api.dmChannel(DEV) &&
        /T-\d+/.test(String(c.params.text)),
      before,
    );
    assert.match(JSON.stringify(dm.params.blocks), /is with the DBAs/);
  });

  it('Home buttons open the forms: Request a change, Review SQL, Request access, Migrate data, Switchover', async () => {
    await h.slack.eventCallback({ type: 'app_home_opened', user: DEV, channel: h.api.dmChannel(DEV), tab: 'home' });
    await waitForCall(h, (c) => c.method === 'views.publish' && c.params.user_id === DEV);
    const home = h.api.homeViews.get(DEV);
    assert.ok(home);
    for (const [action, callback] of [
      [ids.home.requestChange, ids.execModal.callback],
      [ids.home.reviewSql, ids.reviewModal.callback],
      [ids.home.requestAccess, ids.grantModal.callback],
      [ids.home.migrate, ids.migrateModal.callback],
      [ids.home.switchover, ids.diagnose.formCallback],
    ] as const) {
      const since = h.api.calls.length;
      await h.slack.blockAction({ userId: DEV, actionId: action, value: '', view: home.view });
      await opened(since, callback);
    }

    // The switchover form opened from Home (no channel) answers in a DM: here a refusal, prod having no replica.
    const form = h.api.openedViews.find((v) => v.view.callback_id === ids.diagnose.formCallback);
    assert.ok(form);
    const since = h.api.calls.length;
    await h.slack.viewSubmission({
      userId: DEV,
      callbackId: ids.diagnose.formCallback,
      viewId: form.id,
      privateMetadata: String(form.view.private_metadata ?? ''),
      values: {
        [ids.diagnose.clusterBlock]: {
          [ids.diagnose.clusterInput]: { type: 'static_select', selected_option: { value: 'prod' } },
        },
      },
    });
    const dm = await waitForCall(
      h,
      (c) => c.method === 'chat.postMessage' && c.params.channel === h.api.dmChannel(DEV),
      since,
    );
    assert.match(JSON.stringify(dm.params), /Switchover of prod refused — nothing was changed/);
    assert.match(JSON.stringify(dm.params), /the cluster has no replica to promote/);
  });

  it('the migrate form shows every problem under its field, then opens a ticket through /dbops migrate', async () => {
    const f = ids.migrateModal;
    const modal = h.api.openedViews.find((v) => v.view.callback_id === f.callback);
    assert.ok(modal);
    const values = (source: string, destination: string, tables = '', runAt = '') => ({
      [f.sourceBlock]: { [f.sourceInput]: { type: 'plain_text_input', value: source } },
      [f.destinationBlock]: { [f.destinationInput]: { type: 'plain_text_input', value: destination } },
      [f.tablesBlock]: { [f.tablesInput]: { type: 'plain_text_input', value: tables } },
      [f.whereBlock]: { [f.whereInput]: { type: 'plain_text_input', value: '' } },
      [f.modeBlock]: { [f.modeInput]: { type: 'static_select', selected_option: { value: 'fail' } } },
      [f.runAtBlock]: { [f.runAtInput]: { type: 'plain_text_input', value: runAt } },
    });
    const refused = await h.slack.viewSubmission({
      userId: DEV,
      callbackId: f.callback,
      viewId: modal.id,
      values: values('nowhere.shop', 'shop', '', 'at 25:99'),
    });
    const errors = z
      .object({ response_action: z.literal('errors'), errors: z.record(z.string(), z.string()) })
      .parse(JSON.parse(refused.body));
    assert.deepEqual(Object.keys(errors.errors).sort(), [f.destinationBlock, f.sourceBlock].sort());
    assert.match(errors.errors[f.sourceBlock] ?? '', /Cluster "nowhere" is not in dbops.yml/);

    const since = h.api.calls.length;
    const accepted = await h.slack.viewSubmission({
      userId: DEV,
      callbackId: f.callback,
      viewId: modal.id,
      values: values(`prod.${target.name}`, `test.${target.name}_copy`, 'orders'),
    });
    assert.equal(accepted.status, 200);
    const dm = await waitForCall(
      h,
      (c) => c.method === 'chat.postMessage' && c.params.channel === h.api.dmChannel(DEV),
      since,
      20_000,
    );
    assert.match(String(dm.params.text), /T-\d+/, `the requester hears of the ticket: ${String(dm.params.text)}`);
  });
});
