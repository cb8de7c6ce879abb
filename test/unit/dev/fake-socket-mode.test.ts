import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FakeSlackApi } from '../../../src/dev/index.js';

interface Message {
  type?: string;
  envelope_id?: string;
  retry_attempt?: number;
  reason?: string;
}

/** A bare RFC 6455 client (masked frames, as clients send): enough to drive the fake by hand. */
class RawClient extends EventEmitter {
  private buffered = Buffer.alloc(0);
  private readonly inbox: Message[] = [];
  constructor(
    readonly socket: Socket,
    head: Buffer,
  ) {
    super();
    const receive = (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 2) {
        const [first = 0, second = 0] = this.buffered;
        let length = second & 0x7f;
        let offset = 2;
        if (length === 126) {
          length = this.buffered.readUInt16BE(2);
          offset = 4;
        }
        if (this.buffered.length < offset + length) return;
        const payload = this.buffered.subarray(offset, offset + length);
        this.buffered = this.buffered.subarray(offset + length);
        const opcode = first & 0x0f;
        if (opcode === 0x1) {
          this.inbox.push(JSON.parse(payload.toString('utf8')));
          this.emit('message');
        }
        if (opcode === 0xa) this.emit('pong', payload.toString('utf8'));
      }
    };
    socket.on('data', receive);
    receive(head);
  }

  send(opcode: number, text: string): void {
    const payload = Buffer.from(text, 'utf8');
    const mask = randomBytes(4);
    const header = payload.length < 126 ? Buffer.from([0x80 | opcode, 0x80 | payload.length]) : Buffer.alloc(4);
    if (payload.length >= 126) {
      header[0] = 0x80 | opcode;
      header[1] = 0x80 | 126;
      header.writeUInt16BE(payload.length, 2);
    }
    const masked = payload.map((b, i) => b ^ (mask[i % 4] ?? 0));
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  async next(): Promise<Message> {
    while (this.inbox.length === 0) await once(this, 'message');
    const [message] = this.inbox.splice(0, 1);
    assert.ok(message);
    return message;
  }
}

async function openUrl(api: FakeSlackApi, token: string): Promise<{ ok: boolean; url?: string; error?: string }> {
  const res = await fetch(`${api.url}apps.connections.open`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as { ok: boolean; url?: string; error?: string };
}

function connect(url: string): Promise<{ status: number; client?: RawClient }> {
  const target = new URL(url.replace(/^ws/, 'http'));
  return new Promise((resolve, reject) => {
    const req = request(target, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      },
    });
    req.on('upgrade', (_res, socket, head) => resolve({ status: 101, client: new RawClient(socket, head) }));
    req.on('response', (res) => resolve({ status: res.statusCode ?? 0 }));
    req.on('error', reject);
    req.end();
  });
}

describe('FakeSocketMode (the local Slack over Socket Mode)', () => {
  const api = new FakeSlackApi();
  before(() => api.start());
  after(() => api.close());

  it('apps.connections.open wants the app-level token and gives a one-time URL', async () => {
    assert.deepEqual(await openUrl(api, 'xoxb-bot-token'), { ok: false, error: 'not_allowed_token_type' });
    const opened = await openUrl(api, 'xapp-1-test');
    assert.ok(opened.ok && opened.url);
    assert.match(opened.url, /^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f]+&app_id=A0DBOPSAPP$/);
    const first = await connect(opened.url);
    assert.equal(first.status, 101);
    assert.equal((await connect(opened.url)).status, 401, 'a ticket opens one connection only');
    first.client?.socket.destroy();
  });

  it('says hello, answers pings, and resolves a delivery with the ack and its payload', async () => {
    const opened = await openUrl(api, 'xapp-1-test');
    const { client } = await connect(opened.url ?? '');
    assert.ok(client);
    assert.equal((await client.next()).type, 'hello');
    client.send(0x9, 'are you there');
    assert.equal((await once(client, 'pong'))[0], 'are you there');
    const delivered = api.socketMode.deliver('slash_commands', { command: '/dbops', text: 'help' });
    const envelope = await client.next();
    assert.equal(envelope.type, 'slash_commands');
    client.send(0x1, JSON.stringify({ envelope_id: envelope.envelope_id, payload: { text: 'ok' } }));
    assert.deepEqual(await delivered, { envelopeId: envelope.envelope_id, payload: { text: 'ok' }, attempts: 1 });
    client.socket.destroy();
  });

  it('a connection lost before the ack: an event comes again on the next one, a command fails', async () => {
    const { client } = await connect((await openUrl(api, 'xapp-1-test')).url ?? '');
    assert.ok(client);
    await client.next(); // hello
    const event = api.socketMode.deliver('events_api', { event: { type: 'app_mention' } });
    const command = api.socketMode.deliver('slash_commands', { text: 'help' });
    await client.next();
    await client.next();
    client.socket.destroy();
    await assert.rejects(command, /slash_commands\): the connection closed before the ack/);
    const { client: second } = await connect((await openUrl(api, 'xapp-1-test')).url ?? '');
    assert.ok(second);
    assert.equal((await second.next()).type, 'hello');
    const again = await second.next();
    assert.equal(again.retry_attempt, 1);
    second.send(0x1, JSON.stringify({ envelope_id: again.envelope_id }));
    assert.equal((await event).attempts, 2);
    api.socketMode.disconnect('link_disabled');
    assert.deepEqual(await second.next(), {
      type: 'disconnect',
      reason: 'link_disabled',
      debug_info: { host: 'fake-socket-mode' },
    });
    second.socket.destroy();
  });
});
