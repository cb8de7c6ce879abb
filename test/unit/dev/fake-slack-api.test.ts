import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { ErrorCode, LogLevel, WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { FakeSlackApi } from '../../../src/dev/index.js';

const TOKEN = 'xoxb-fake-token';

function platformError(method: string, error: string) {
  return (err: unknown): boolean => {
    const e = err as WebAPIPlatformError;
    assert.equal(e.code, ErrorCode.PlatformError, `${method} should fail with a platform error`);
    assert.equal(e.data.error, error);
    return true;
  };
}

describe('FakeSlackApi against a real WebClient', () => {
  const api = new FakeSlackApi({
    users: [
      { id: 'U0ALICE', name: 'alice', real_name: 'Alice DBA', tz: 'Asia/Shanghai', email: 'alice@example.com' },
      { id: 'U0BOB', name: 'bob' },
    ],
    usergroups: { S0DBAS: ['U0ALICE'] },
    channels: [{ id: 'C0DBA', name: 'dba' }],
  });
  let client: WebClient;

  before(async () => {
    await api.start();
    client = new WebClient(TOKEN, {
      slackApiUrl: api.url,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 50 },
    });
  });
  afterEach(() => api.reset());
  after(() => api.close());

  it('serves a base URL that ends with a slash', () => {
    assert.match(api.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('answers auth.test with the bot identity and records the bearer token', async () => {
    const res = await client.auth.test();
    assert.equal(res.user_id, api.botUserId);
    assert.equal(res.team_id, api.teamId);
    assert.equal(res.bot_id, api.botId);
    assert.equal(api.callsTo('auth.test')[0].token, TOKEN);
  });

  it('posts messages with increasing ts and decodes JSON-valued form params', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*ticket 42*' } }];
    const first = await client.chat.postMessage({ channel: 'C0DBA', text: 'ticket 42', blocks });
    const second = await client.chat.postMessage({ channel: 'C0DBA', text: 'reply', thread_ts: first.ts });
    assert.match(first.ts ?? '', /^\d{10}\.\d{6}$/);
    assert.ok(Number(second.ts) > Number(first.ts));
    assert.deepEqual(api.callsTo('chat.postMessage')[0].params.blocks, blocks);
    const stored = api.message('C0DBA', first.ts ?? '');
    assert.deepEqual(stored?.blocks, blocks);
    assert.equal(stored?.user, api.botUserId);
    assert.deepEqual(
      api.replies('C0DBA', first.ts ?? '').map((m) => m.text),
      ['reply'],
    );
  });

  it('answers no_text when a message has neither text nor blocks', async () => {
    await assert.rejects(
      client.chat.postMessage({ channel: 'C0DBA', text: '' }),
      platformError('chat.postMessage', 'no_text'),
    );
  });

  it('refuses messages and views over Block Kit limits with invalid_blocks, as Slack does', async () => {
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    await assert.rejects(
      client.chat.postMessage({ channel: 'C0DBA', text: 'many', blocks: tooMany }),
      platformError('chat.postMessage', 'invalid_blocks'),
    );
    const posted = await client.chat.postMessage({ channel: 'C0DBA', text: 'ok' });
    const long = [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }];
    await assert.rejects(
      client.chat.update({ channel: 'C0DBA', ts: posted.ts ?? '', text: 'long', blocks: long }),
      platformError('chat.update', 'invalid_blocks'),
    );
    const trigger = api.createTriggerId('U0ALICE');
    await assert.rejects(
      client.views.open({
        trigger_id: trigger,
        view: { type: 'modal', title: { type: 'plain_text', text: 'A title longer than 24 chars' }, blocks: [] },
      }),
      platformError('views.open', 'invalid_blocks'),
    );
    assert.equal(api.messages('C0DBA').length, 1);
  });

  it('edits a message in place with chat.update and keeps its history', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0DBA', text: 'queued' });
    const updated = await client.chat.update({ channel: 'C0DBA', ts: posted.ts ?? '', text: 'running' });
    assert.equal(updated.ts, posted.ts);
    const stored = api.message('C0DBA', posted.ts ?? '');
    assert.equal(stored?.text, 'running');
    assert.equal(stored?.editCount, 1);
    assert.deepEqual(
      stored?.history.map((r) => r.text),
      ['queued'],
    );
    await assert.rejects(
      client.chat.update({ channel: 'C0DBA', ts: '1.000000', text: 'x' }),
      platformError('chat.update', 'message_not_found'),
    );
  });

  it('stores ephemeral messages for their target user and gives permalinks', async () => {
    const eph = await client.chat.postEphemeral({ channel: 'C0DBA', user: 'U0BOB', text: 'only you' });
    const [stored] = api.messages('C0DBA');
    assert.equal(stored.ts, eph.message_ts);
    assert.equal(stored.ephemeral, true);
    assert.equal(stored.ephemeralTo, 'U0BOB');
    const posted = await client.chat.postMessage({ channel: 'C0DBA', text: 'public' });
    const link = await client.chat.getPermalink({ channel: 'C0DBA', message_ts: posted.ts ?? '' });
    assert.equal(
      link.permalink,
      `https://${api.teamDomain}.slack.com/archives/C0DBA/p${(posted.ts ?? '').replace('.', '')}`,
    );
  });

  it('opens, updates and pushes modals, and publishes home views per user', async () => {
    const triggerId = api.createTriggerId('U0ALICE');
    const view = {
      type: 'modal' as const,
      callback_id: 'approve',
      title: { type: 'plain_text' as const, text: 'Approve' },
      blocks: [],
    };
    const opened = await client.views.open({ trigger_id: triggerId, view });
    const id = opened.view?.id ?? '';
    assert.match(id, /^V/);
    assert.equal(api.openedViews[0].user, 'U0ALICE');
    assert.equal(api.openedViews[0].view.callback_id, 'approve');

    await client.views.update({ view_id: id, hash: opened.view?.hash, view: { ...view, callback_id: 'approve2' } });
    assert.equal(api.view(id)?.view.callback_id, 'approve2');
    await assert.rejects(
      client.views.update({ view_id: id, hash: 'stale', view }),
      platformError('views.update', 'hash_conflict'),
    );

    const pushed = await client.views.push({ trigger_id: api.createTriggerId('U0ALICE', id), view });
    assert.equal(pushed.view?.previous_view_id, id);
    assert.equal(pushed.view?.root_view_id, id);

    const home = { type: 'home' as const, blocks: [] };
    const a = await client.views.publish({ user_id: 'U0ALICE', view: home });
    const b = await client.views.publish({ user_id: 'U0ALICE', view: home });
    assert.equal(a.view?.id, b.view?.id);
    assert.equal(api.homeViews.get('U0ALICE')?.history.length, 1);
  });

  it('answers users.info, conversations.* and usergroups.users.list', async () => {
    const { user } = await client.users.info({ user: 'U0ALICE' });
    assert.equal(user?.real_name, 'Alice DBA');
    assert.equal(user?.tz, 'Asia/Shanghai');
    assert.equal(user?.tz_offset, 8 * 3600);
    assert.equal(user?.profile?.email, 'alice@example.com');
    await assert.rejects(client.users.info({ user: 'U0NOBODY' }), platformError('users.info', 'user_not_found'));

    const dm1 = await client.conversations.open({ users: 'U0BOB' });
    const dm2 = await client.conversations.open({ users: 'U0BOB' });
    assert.match(dm1.channel?.id ?? '', /^D/);
    assert.equal(dm1.channel?.id, dm2.channel?.id);
    const info = await client.conversations.info({ channel: dm1.channel?.id ?? '' });
    assert.equal(info.channel?.is_im, true);
    assert.ok(info.channel && 'user' in info.channel && info.channel.user === 'U0BOB', 'an IM names its user');
    const dba = await client.conversations.info({ channel: 'C0DBA' });
    assert.equal(dba.channel?.name, 'dba');

    const group = await client.usergroups.users.list({ usergroup: 'S0DBAS' });
    assert.deepEqual(group.users, ['U0ALICE']);
    await assert.rejects(
      client.usergroups.users.list({ usergroup: 'S0NONE' }),
      platformError('usergroups', 'no_such_subteam'),
    );
  });

  it('uploads a file into a thread with filesUploadV2', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0DBA', text: 'ticket 7' });
    await client.filesUploadV2({
      channel_id: 'C0DBA',
      thread_ts: parent.ts ?? '',
      initial_comment: 'full report',
      filename: 'report.sql',
      title: 'Review report',
      content: 'SELECT 1;\n',
    });
    const [file] = api.files;
    assert.equal(file.name, 'report.sql');
    assert.equal(file.title, 'Review report');
    assert.equal(file.bytes?.toString('utf8'), 'SELECT 1;\n');
    assert.equal(api.callsTo('file_upload').length, 1);
    assert.deepEqual(api.callsTo('files.completeUploadExternal')[0].params.files, [
      { id: file.id, title: 'Review report' },
    ]);
    const [share] = api.replies('C0DBA', parent.ts ?? '');
    assert.equal(share.text, 'full report');
    assert.deepEqual(share.files, [file.id]);
  });

  it('makes WebClient retry after an injected 429 and the call still lands', async () => {
    api.failNext('chat.postMessage', { kind: 'ratelimit', retryAfterSeconds: 1 });
    const res = await client.chat.postMessage({ channel: 'C0DBA', text: 'after the limit' });
    assert.equal(res.ok, true);
    const attempts = api.calls.filter((c) => c.method === 'chat.postMessage');
    assert.equal(attempts.length, 2);
    assert.equal(attempts[0].response.status, 429);
    assert.deepEqual(attempts[0].fault, { kind: 'ratelimit', retryAfterSeconds: 1 });
    assert.equal(api.callsTo('chat.postMessage').length, 1);
    assert.equal(api.messages('C0DBA').length, 1);
  });

  it('surfaces an injected error as a platform error, then serves normally', async () => {
    api.failNext('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    await assert.rejects(
      client.chat.postMessage({ channel: 'C0DBA', text: 'x' }),
      platformError('chat.postMessage', 'channel_not_found'),
    );
    assert.equal((await client.chat.postMessage({ channel: 'C0DBA', text: 'x' })).ok, true);
  });

  it('surfaces injected HTTP errors once retries run out', async () => {
    api.failNext('auth.test', { kind: 'http', status: 503 }, 3);
    await assert.rejects(client.auth.test(), (err: unknown) => {
      assert.equal((err as { code?: string }).code, ErrorCode.HTTPError);
      return true;
    });
  });

  it('answers unknown_method and not_authed like Slack', async () => {
    await assert.rejects(client.apiCall('dbops.nothing'), platformError('dbops.nothing', 'unknown_method'));
    await assert.rejects(client.apiCall('toString'), platformError('toString', 'unknown_method'));
    const res = await fetch(`${api.url}auth.test`, { method: 'POST' });
    assert.deepEqual(await res.json(), { ok: false, error: 'not_authed' });
  });

  it('accepts JSON bodies with the token as a param', async () => {
    const res = await fetch(`${api.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ token: TOKEN, channel: 'U0BOB', text: 'hi' }),
    });
    const body = (await res.json()) as { ok: boolean; channel: string };
    assert.equal(body.ok, true);
    assert.match(body.channel, /^D/, 'posting to a user id lands in the DM with that user');
    assert.equal(api.callsTo('chat.postMessage')[0].token, TOKEN);
    assert.equal(api.callsTo('chat.postMessage')[0].params.token, undefined);
  });

  it('waitFor resolves on a past or future call and rejects on timeout', async () => {
    const pending = api.waitFor('chat.postMessage', (c) => c.params.text === 'second');
    await client.chat.postMessage({ channel: 'C0DBA', text: 'first' });
    await client.chat.postMessage({ channel: 'C0DBA', text: 'second' });
    assert.equal((await pending).params.text, 'second');
    assert.equal((await api.waitFor('chat.postMessage')).params.text, 'first');
    await assert.rejects(api.waitFor('views.open', undefined, 20), /views\.open/);
  });
});

describe('FakeSlackApi response_url', () => {
  const api = new FakeSlackApi({ users: [{ id: 'U0ALICE', name: 'alice' }] });
  before(() => api.start());
  afterEach(() => api.reset());
  after(() => api.close());

  const respond = (url: string, body: object) =>
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('records posts and stores them ephemeral unless in_channel', async () => {
    const url = api.createResponseUrl('C0DBA', 'U0ALICE');
    assert.equal((await respond(url, { text: 'only alice' })).status, 200);
    await respond(url, { text: 'everyone', response_type: 'in_channel' });
    const [call] = api.callsTo('response_url');
    assert.equal(call.params.text, 'only alice');
    assert.deepEqual(call.target, { channel: 'C0DBA', user: 'U0ALICE' });
    const [eph, pub] = api.messages('C0DBA');
    assert.deepEqual([eph.ephemeral, eph.ephemeralTo, eph.via], [true, 'U0ALICE', 'response_url']);
    assert.equal(pub.ephemeral, false);
  });

  it('replaces or deletes the original message', async () => {
    const client = new WebClient(TOKEN, { slackApiUrl: api.url, logLevel: LogLevel.ERROR });
    const posted = await client.chat.postMessage({ channel: 'C0DBA', text: 'Approve?' });
    const ts = posted.ts ?? '';
    const url = api.createResponseUrl('C0DBA', 'U0ALICE', { messageTs: ts });
    await respond(url, { replace_original: true, text: 'Approved by alice' });
    assert.equal(api.message('C0DBA', ts)?.text, 'Approved by alice');
    await respond(url, { delete_original: true });
    assert.equal(api.messages('C0DBA').length, 0);
  });

  it('refuses a response_url after five uses', async () => {
    const url = api.createResponseUrl('C0DBA', 'U0ALICE');
    for (let i = 0; i < 5; i++) assert.equal((await respond(url, { text: `#${i}` })).status, 200);
    assert.equal((await respond(url, { text: 'sixth' })).status, 404);
  });

  it('answers no_text to an empty response', async () => {
    const res = await respond(api.createResponseUrl('C0DBA', 'U0ALICE'), {});
    assert.deepEqual(await res.json(), { ok: false, error: 'no_text' });
  });
});
