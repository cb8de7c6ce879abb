import assert from 'node:assert/strict';
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ModalView } from '@slack/types';
import { LogLevel, WebClient } from '@slack/web-api';
import { FakeSlackApi, SlackRequestSender, signBody } from '../../../src/dev/index.js';
import { WorkspaceServer } from '../../../src/dev/workspace/server.js';
import type { WorkspaceState } from '../../../src/dev/workspace/state.js';

const DEV = 'U0DEV00001';
const DBA = 'U0DBA00001';
const GENERAL = 'C0GENERAL01';
const APPROVALS = 'C0APPROVALS';
const SECRET = 'workspace-test-secret';

interface Received {
  kind: 'command' | 'interactive' | 'event';
  body: Record<string, unknown>;
  signed: boolean;
}

/** A stand-in for the bot's /slack/events: checks Slack's signature, records what arrived, answers as told. */
async function startStubBot(): Promise<{
  server: Server;
  url: string;
  received: Received[];
  answer: { body: string };
}> {
  const received: Received[] = [];
  const answer = { body: '' };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const ts = Number(req.headers['x-slack-request-timestamp']);
      const expected = Buffer.from(signBody(SECRET, raw, ts)['X-Slack-Signature']);
      const got = Buffer.from(String(req.headers['x-slack-signature'] ?? ''));
      const signed = expected.length === got.length && timingSafeEqual(expected, got);
      if (req.headers['content-type']?.startsWith('application/json')) {
        received.push({ kind: 'event', body: JSON.parse(raw), signed });
      } else {
        const form = Object.fromEntries(new URLSearchParams(raw));
        if (form.payload) received.push({ kind: 'interactive', body: JSON.parse(form.payload), signed });
        else received.push({ kind: 'command', body: form, signed });
      }
      res.writeHead(200, answer.body ? { 'content-type': 'application/json' } : {});
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, answer };
}

describe('local workspace server: what people do becomes signed Slack requests', () => {
  const api = new FakeSlackApi({
    users: [
      { id: DEV, name: 'alex.dev', real_name: 'Alex Developer' },
      { id: DBA, name: 'dana.dba', real_name: 'Dana DBA' },
    ],
    channels: [
      { id: GENERAL, name: 'general' },
      { id: APPROVALS, name: 'dba-approvals' },
    ],
  });
  let bot: Awaited<ReturnType<typeof startStubBot>>;
  let workspace: WorkspaceServer;
  let client: WebClient;

  const post = async (what: string, body: object, headers: Record<string, string> = {}) => {
    const res = await fetch(`${workspace.url}api/${what}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const state = async (user: string): Promise<WorkspaceState> =>
    (await fetch(`${workspace.url}api/state?user=${user}`)).json();
  const last = () => {
    const r = bot.received.at(-1);
    assert.ok(r, 'the bot received nothing');
    assert.ok(r.signed, 'signed as Slack signs');
    return r;
  };

  before(async () => {
    await api.start();
    bot = await startStubBot();
    const sender = new SlackRequestSender({ baseUrl: bot.url, signingSecret: SECRET, api });
    workspace = new WorkspaceServer({
      api,
      sender,
      people: [
        { id: DEV, role: 'developer' },
        { id: DBA, role: 'dba' },
      ],
      purposes: { [APPROVALS]: 'approvals here' },
    });
    await workspace.start(0);
    client = new WebClient('xoxb-test', { slackApiUrl: api.url, logLevel: LogLevel.ERROR });
  });
  beforeEach(() => {
    api.reset();
    bot.received.length = 0;
    bot.answer.body = '';
  });
  after(async () => {
    await workspace.close();
    bot.server.closeAllConnections();
    await new Promise((resolve) => bot.server.close(resolve));
    await api.close();
  });

  it('serves the page with a strict content security policy', async () => {
    const res = await fetch(workspace.url);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<script src="\/app\.js" defer><\/script>/);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self';/);
    assert.equal((await fetch(`${workspace.url}app.js`)).status, 200);
  });

  it('a typed /dbops command arrives as a slash command with Slack-escaped text', async () => {
    const out = await post('command', {
      user: DEV,
      channel: GENERAL,
      text: '/dbops exec prod.shop UPDATE t SET a = 1 WHERE b < 2 & c > 3',
    });
    assert.deepEqual(out.body, { ok: true });
    const { kind, body } = last();
    assert.equal(kind, 'command');
    assert.equal(body.command, '/dbops');
    assert.equal(body.text, 'exec prod.shop UPDATE t SET a = 1 WHERE b &lt; 2 &amp; c &gt; 3');
    assert.equal(body.user_id, DEV);
    assert.equal(body.channel_id, GENERAL);
    assert.equal(body.channel_name, 'general');
  });

  it('an answer in the ack is shown to the person only; another command gets Slackbot', async () => {
    bot.answer.body = JSON.stringify({ text: 'pong' });
    await post('command', { user: DEV, channel: GENERAL, text: '/dbops ping' });
    await post('command', { user: DEV, channel: GENERAL, text: '/deploy now' });
    const mine = (await state(DEV)).messages.filter((m) => m.channel === GENERAL);
    assert.deepEqual(
      mine.map((m) => [m.author.kind, m.ephemeral]),
      [
        ['app', true],
        ['slackbot', true],
      ],
    );
    assert.match(mine[1].html, /<code class="mk-code">\/deploy<\/code> is not a valid command/);
    assert.equal((await state(DBA)).messages.filter((m) => m.channel === GENERAL).length, 0, 'the DBA sees neither');
  });

  it('a DM with SQL and a shared .sql file becomes message.im (file_share), stored as the person wrote it', async () => {
    const dm = api.dmChannel(DEV);
    await post('message', {
      user: DEV,
      channel: dm,
      text: 'review @dana.dba <this>',
      file: { name: 'change.sql', content: 'DELETE FROM t;' },
    });
    const { kind, body } = last();
    assert.equal(kind, 'event');
    const event = body.event as Record<string, unknown>;
    assert.equal(event.type, 'message');
    assert.equal(event.channel_type, 'im');
    assert.equal(event.subtype, 'file_share');
    assert.equal(event.text, `review <@${DBA}> &lt;this&gt;`);
    const files = event.files as Array<Record<string, unknown>>;
    assert.equal(files[0].name, 'change.sql');
    assert.match(String(files[0].url_private_download), /^http:\/\/127\.0\.0\.1:\d+\/files\/F/);
    const s = await state(DEV);
    const stored = s.messages.find((m) => m.channel === dm);
    assert.ok(stored);
    assert.equal(stored.author.id, DEV);
    assert.match(stored.html, /change\.sql.*DELETE FROM t;/s);
    assert.ok(!(await state(DBA)).channels.some((c) => c.id === dm), "another person's DM with the bot is not listed");
  });

  it('a channel message reaches dbops only when it mentions @dbops', async () => {
    await post('message', { user: DEV, channel: GENERAL, text: 'hello all' });
    assert.equal(bot.received.length, 0);
    await post('message', {
      user: DEV,
      channel: GENERAL,
      text: '@dbops check ```DELETE FROM t```',
      threadTs: undefined,
    });
    const event = last().body.event as Record<string, unknown>;
    assert.equal(event.type, 'app_mention');
    assert.equal(event.text, `<@${api.botUserId}> check \`\`\`DELETE FROM t\`\`\``);
  });

  it('a button on a message arrives as block_actions with the message it sits on', async () => {
    const posted = await client.chat.postMessage({
      channel: APPROVALS,
      text: 'T-1',
      blocks: [
        {
          type: 'actions',
          block_id: 'blk',
          elements: [
            {
              type: 'button',
              action_id: 'dbops.ticket.approve',
              value: 'T-1',
              text: { type: 'plain_text', text: 'Approve' },
            },
          ],
        },
      ],
    });
    await post('click', {
      user: DBA,
      channel: APPROVALS,
      ts: posted.ts,
      actionId: 'dbops.ticket.approve',
      blockId: 'blk',
      value: 'T-1',
    });
    const { kind, body } = last();
    assert.equal(kind, 'interactive');
    assert.equal(body.type, 'block_actions');
    assert.deepEqual(body.container, {
      type: 'message',
      message_ts: posted.ts,
      channel_id: APPROVALS,
      is_ephemeral: false,
    });
    assert.equal((body.message as Record<string, unknown>).ts, posted.ts);
    assert.deepEqual((body.actions as unknown[])[0], {
      ...(body.actions as Array<Record<string, unknown>>)[0],
      action_id: 'dbops.ticket.approve',
      block_id: 'blk',
      value: 'T-1',
      type: 'button',
    });
  });

  it('a modal: errors stay under the field, update replaces it, an empty ack closes it', async () => {
    const view = {
      type: 'modal',
      callback_id: 'dbops.ticket.reject.modal',
      title: { type: 'plain_text', text: 'Reject T-1' },
      submit: { type: 'plain_text', text: 'Reject' },
      blocks: [
        {
          type: 'input',
          block_id: 'reason',
          label: { type: 'plain_text', text: 'Why?' },
          element: { type: 'plain_text_input', action_id: 'reason_input' },
        },
      ],
    } satisfies ModalView;
    await client.views.open({ trigger_id: api.createTriggerId(DBA), view });
    const open = (await state(DBA)).modal;
    assert.ok(open);
    assert.equal(open.title, 'Reject T-1');
    assert.equal((await state(DEV)).modal, null, 'only its user sees a modal');
    const values = { reason: { reason_input: { type: 'plain_text_input', value: ' ' } } };

    bot.answer.body = JSON.stringify({ response_action: 'errors', errors: { reason: 'Say why' } });
    const refused = await post('submit', { user: DBA, viewId: open.viewId, values });
    assert.equal(refused.body.ok, false);
    assert.deepEqual(refused.body.errors, { reason: 'Say why' });
    const sent = last().body;
    assert.equal(sent.type, 'view_submission');
    assert.deepEqual((sent.view as Record<string, unknown>).state, { values });
    assert.equal((sent.view as Record<string, unknown>).callback_id, 'dbops.ticket.reject.modal');
    assert.equal((await state(DBA)).modal?.viewId, open.viewId, 'still open');

    bot.answer.body = JSON.stringify({
      response_action: 'update',
      view: { ...view, title: { type: 'plain_text', text: 'Thanks' }, blocks: [] },
    });
    await post('submit', { user: DBA, viewId: open.viewId, values });
    const updated = (await state(DBA)).modal;
    assert.equal(updated?.title, 'Thanks');
    assert.notEqual(updated?.hash, open.hash);

    bot.answer.body = '';
    assert.deepEqual((await post('submit', { user: DBA, viewId: open.viewId, values })).body, { ok: true });
    assert.equal((await state(DBA)).modal, null);
  });

  it('threads: replies carry their parent, a broadcast reply is marked for the channel too, edits are flagged', async () => {
    const parent = await client.chat.postMessage({ channel: APPROVALS, text: 'T-2: waiting' });
    await client.chat.postMessage({ channel: APPROVALS, thread_ts: String(parent.ts), text: 'queued' });
    await client.chat.postMessage({
      channel: APPROVALS,
      thread_ts: String(parent.ts),
      text: 'resolved',
      reply_broadcast: true,
    });
    await client.chat.update({ channel: APPROVALS, ts: String(parent.ts), text: 'T-2: approved' });
    const messages = (await state(DEV)).messages.filter((m) => m.channel === APPROVALS);
    assert.deepEqual(
      messages.map((m) => [m.threadTs ?? null, m.broadcast ?? false, m.edited]),
      [
        [null, false, true],
        [parent.ts, false, false],
        [parent.ts, true, false],
      ],
    );
    assert.match(messages[0].html, /T-2: approved/);
  });

  it('opening the Home tab sends app_home_opened, and the published view is shown to its user', async () => {
    await post('home', { user: DBA });
    const event = last().body.event as Record<string, unknown>;
    assert.deepEqual([event.type, event.user, event.tab], ['app_home_opened', DBA, 'home']);
    await client.views.publish({
      user_id: DBA,
      view: { type: 'home', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Waiting for you' } }] },
    });
    assert.match((await state(DBA)).home?.html ?? '', /Waiting for you/);
    assert.equal((await state(DEV)).home, null);
  });

  it('refuses requests that are not from the page or not for its people', async () => {
    assert.equal(
      (await post('command', { user: DEV, channel: GENERAL, text: '/dbops help' }, { origin: 'http://evil.example' }))
        .status,
      403,
    );
    const text = await fetch(`${workspace.url}api/command`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    assert.equal(text.status, 415);
    const stranger = await post('command', { user: 'U0STRANGER', channel: GENERAL, text: '/dbops help' });
    assert.equal(stranger.status, 400);
    assert.match(stranger.body.error, /not someone you can act as/);
    assert.equal(bot.received.length, 0);
  });

  it('the stream says when something changed', async () => {
    // A change whose notice is still pending when the stream opens: the stream must not hear it again.
    await client.chat.postMessage({ channel: GENERAL, text: 'just before' });
    const res = await fetch(`${workspace.url}api/stream`);
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = res.body?.getReader();
    assert.ok(reader);
    // Events, not reads: one read may carry several events, or part of one (a busy machine).
    const decoder = new TextDecoder();
    let buffered = '';
    const nextEvent = async (): Promise<string> => {
      while (!buffered.includes('\n\n')) {
        const { value, done } = await reader.read();
        assert.ok(!done, 'the stream stays open');
        buffered += decoder.decode(value, { stream: true });
      }
      const end = buffered.indexOf('\n\n') + 2;
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end);
      return event;
    };
    const version = (event: string) => Number(/data: (\d+)/.exec(event)?.[1]);
    const first = await nextEvent();
    assert.match(first, /^retry: 1000\ndata: \d+\n\n$/);
    await sleep(100); // the pending notice goes out now, before the news
    await client.chat.postMessage({ channel: GENERAL, text: 'news' });
    const next = await nextEvent();
    assert.match(next, /^data: \d+\n\n$/);
    assert.ok(version(next) > version(first));
    await reader.cancel();
    const s = await state(DEV);
    assert.equal(s.channels.find((c) => c.id === APPROVALS)?.purpose, 'approvals here');
  });
});
