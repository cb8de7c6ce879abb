import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { App, LogLevel, isValidSlackRequest } from '@slack/bolt';
import { FakeSlackApi, SlackRequestSender, signBody } from '../../../src/dev/index.js';

const SECRET = 'local-signing-secret';

/** The signature computed here, independently of signBody. */
function expectedSignature(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(['v0', timestamp, body].join(':')).digest('hex')}`;
}

describe('signBody', () => {
  it("matches the worked example in Slack's request-verification docs", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
      '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const headers = signBody('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618);
    assert.deepEqual(headers, {
      'X-Slack-Request-Timestamp': '1531420618',
      'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    });
  });

  it('round-trips through an independent HMAC and through Bolt’s verifier', () => {
    const body = JSON.stringify({ type: 'event_callback', text: 'ünïcode ✓' });
    const headers = signBody(SECRET, body);
    const ts = headers['X-Slack-Request-Timestamp'];
    assert.equal(headers['X-Slack-Signature'], expectedSignature(SECRET, ts, body));
    const verify = (secret: string) =>
      isValidSlackRequest({
        signingSecret: secret,
        body,
        headers: { 'x-slack-signature': headers['X-Slack-Signature'], 'x-slack-request-timestamp': Number(ts) },
      });
    assert.equal(verify(SECRET), true);
    assert.equal(verify('another-secret'), false);
  });
});

interface Captured {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('SlackRequestSender payloads', () => {
  const api = new FakeSlackApi({ users: [{ id: 'U0ALICE', name: 'alice' }], channels: [{ id: 'C0DBA', name: 'dba' }] });
  const captured: Captured[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end('');
    });
  });
  let sender: SlackRequestSender;

  before(async () => {
    await api.start();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    sender = new SlackRequestSender({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SECRET, api });
  });
  afterEach(() => {
    captured.length = 0;
    api.reset();
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await api.close();
  });

  const last = (): Captured => captured[captured.length - 1];
  const payloadOf = (c: Captured): Record<string, unknown> => {
    assert.equal(c.headers['content-type'], 'application/x-www-form-urlencoded');
    return JSON.parse(new URLSearchParams(c.body).get('payload') ?? 'null') as Record<string, unknown>;
  };

  it('sends a slash command with Slack’s form fields, signed, with a response_url on the fake', async () => {
    const res = await sender.slashCommand({ text: 'exec prod.shop SELECT 1', userId: 'U0ALICE', channelId: 'C0DBA' });
    assert.equal(res.status, 200);
    const { headers, body } = last();
    assert.equal(headers['content-type'], 'application/x-www-form-urlencoded');
    const form = new URLSearchParams(body);
    assert.deepEqual(
      [...form.keys()],
      [
        'token',
        'team_id',
        'team_domain',
        'channel_id',
        'channel_name',
        'user_id',
        'user_name',
        'command',
        'text',
        'api_app_id',
        'is_enterprise_install',
        'response_url',
        'trigger_id',
      ],
    );
    assert.equal(form.get('command'), '/dbops');
    assert.equal(form.get('text'), 'exec prod.shop SELECT 1');
    assert.equal(form.get('channel_name'), 'dba');
    assert.equal(form.get('user_name'), 'alice');
    const ts = String(headers['x-slack-request-timestamp']);
    assert.equal(headers['x-slack-signature'], expectedSignature(SECRET, ts, body));
    assert.ok(Math.abs(Number(ts) - Date.now() / 1000) < 60, 'timestamp is now, in seconds');

    const responseUrl = form.get('response_url') ?? '';
    assert.ok(responseUrl.startsWith(`${api.origin}/response/`));
    await fetch(responseUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"text":"ok"}',
    });
    assert.deepEqual(
      api.messages('C0DBA').map((m) => [m.text, m.ephemeralTo]),
      [['ok', 'U0ALICE']],
    );
  });

  it('sends unsigned, badly signed and stale requests on demand', async () => {
    const input = { text: 'help', userId: 'U0ALICE', channelId: 'C0DBA' };
    await sender.slashCommand(input, { signing: 'none' });
    assert.equal(last().headers['x-slack-signature'], undefined);
    assert.equal(last().headers['x-slack-request-timestamp'], undefined);

    await sender.slashCommand(input, { signing: 'bad' });
    const bad = last();
    assert.match(String(bad.headers['x-slack-signature']), /^v0=[0-9a-f]{64}$/);
    assert.notEqual(
      bad.headers['x-slack-signature'],
      expectedSignature(SECRET, String(bad.headers['x-slack-request-timestamp']), bad.body),
    );

    const stale = Math.floor(Date.now() / 1000) - 600;
    await sender.slashCommand(input, { signing: { timestamp: stale }, retry: { num: 1 } });
    const old = last();
    assert.equal(old.headers['x-slack-request-timestamp'], String(stale));
    assert.equal(old.headers['x-slack-signature'], expectedSignature(SECRET, String(stale), old.body));
    assert.equal(old.headers['x-slack-retry-num'], '1');
  });

  it('sends block_actions for a stored message as a payload= form field', async () => {
    const client = await fetch(`${api.url}chat.postMessage`, {
      method: 'POST',
      headers: { Authorization: 'Bearer xoxb-t', 'Content-Type': 'application/json' },
      body: JSON.stringify({
        channel: 'C0DBA',
        text: 'Approve ticket 9?',
        blocks: [{ type: 'actions', elements: [] }],
      }),
    });
    const { ts } = (await client.json()) as { ts: string };
    await sender.blockAction({
      userId: 'U0ALICE',
      channelId: 'C0DBA',
      messageTs: ts,
      actionId: 'ticket.approve',
      blockId: 'decide',
      value: '9',
    });
    const p = payloadOf(last());
    assert.equal(p.type, 'block_actions');
    assert.deepEqual(p.user, { id: 'U0ALICE', username: 'alice', name: 'alice', team_id: api.teamId });
    assert.deepEqual(p.container, { type: 'message', message_ts: ts, channel_id: 'C0DBA', is_ephemeral: false });
    assert.deepEqual(p.channel, { id: 'C0DBA', name: 'dba' });
    assert.equal((p.message as { text: string }).text, 'Approve ticket 9?');
    const [action] = p.actions as Array<Record<string, unknown>>;
    assert.deepEqual(
      { ...action, action_ts: 'x' },
      { action_id: 'ticket.approve', block_id: 'decide', value: '9', type: 'button', action_ts: 'x' },
    );

    await fetch(String(p.response_url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"replace_original":true,"text":"Approved"}',
    });
    assert.equal(api.message('C0DBA', ts)?.text, 'Approved');
  });

  it('sends view_submission with state.values and the stored view', async () => {
    await sender.viewSubmission({
      userId: 'U0ALICE',
      callbackId: 'reject',
      privateMetadata: '{"ticket":9}',
      values: { reason: { reason_input: { type: 'plain_text_input', value: 'peak hours' } } },
    });
    const p = payloadOf(last());
    const view = p.view as Record<string, unknown>;
    assert.equal(p.type, 'view_submission');
    assert.equal(view.callback_id, 'reject');
    assert.equal(view.private_metadata, '{"ticket":9}');
    assert.deepEqual(view.state, {
      values: { reason: { reason_input: { type: 'plain_text_input', value: 'peak hours' } } },
    });
  });

  it('sends event_callback envelopes as signed JSON', async () => {
    await sender.eventCallback({
      type: 'app_mention',
      user: 'U0ALICE',
      text: '<@U0DBOPSBOT> help',
      channel: 'C0DBA',
      ts: '1700000000.000100',
    });
    const { headers, body } = last();
    assert.equal(headers['content-type'], 'application/json');
    const envelope = JSON.parse(body) as Record<string, unknown>;
    assert.equal(envelope.type, 'event_callback');
    assert.equal(envelope.team_id, api.teamId);
    assert.equal((envelope.event as { type: string }).type, 'app_mention');
    assert.equal(
      headers['x-slack-signature'],
      expectedSignature(SECRET, String(headers['x-slack-request-timestamp']), body),
    );
  });
});

describe('SlackRequestSender against a real Bolt app', () => {
  const api = new FakeSlackApi({ users: [{ id: 'U0ALICE', name: 'alice' }] });
  let app: App;
  let sender: SlackRequestSender;

  before(async () => {
    await api.start();
    app = new App({
      token: 'xoxb-fake',
      signingSecret: SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: api.url },
    });
    app.command('/dbops', async ({ ack, respond, command }) => {
      await ack();
      await respond({ text: `got: ${command.text}` });
    });
    app.action('ticket.approve', async ({ ack, body, client }) => {
      await ack();
      await client.chat.postMessage({ channel: 'C0DBA', text: `approved by ${body.user.id}` });
    });
    const server = await app.start(0);
    const { port } = server.address() as AddressInfo;
    sender = new SlackRequestSender({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SECRET, api });
  });
  after(async () => {
    await app.stop();
    await api.close();
  });

  it('accepts signed requests; the handler replies through the fake', async () => {
    const res = await sender.slashCommand({ text: 'help', userId: 'U0ALICE', channelId: 'C0DBA' });
    assert.equal(res.status, 200);
    assert.equal((await api.waitFor('response_url')).params.text, 'got: help');

    await sender.blockAction({
      userId: 'U0ALICE',
      channelId: 'C0DBA',
      messageTs: '1700000000.000100',
      actionId: 'ticket.approve',
      value: '1',
    });
    assert.equal((await api.waitFor('chat.postMessage')).params.text, 'approved by U0ALICE');
  });

  it('answers 401 to unsigned, badly signed and stale requests', async () => {
    const input = { text: 'help', userId: 'U0ALICE', channelId: 'C0DBA' };
    const stale = { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 };
    for (const signing of ['none', 'bad', stale] as const) {
      const res = await sender.slashCommand(input, { signing });
      assert.equal(res.status, 401, `signing=${JSON.stringify(signing)}`);
    }
  });
});
