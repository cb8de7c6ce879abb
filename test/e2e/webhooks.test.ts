import assert from 'node:assert/strict';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, it } from 'node:test';
import { signWebhook } from '../../src/api/webhooks.js';
import { testConfigYaml } from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import { refIn, slash, type TicketFlow, useTicketFlow } from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

// Ticket events reach a pipeline's URL over real HTTP, signed; a receiver that fails is retried.
const SECRET = randomBytes(24).toString('hex');
interface Received {
  event: string;
  delivery: string;
  body: string;
  signed: boolean;
  answered: number;
}
const received: Received[] = [];
/** The receiver answers 503 to the first two deliveries it sees, then 200. */
let failuresLeft = 2;
const receiver: Server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const expected = Buffer.from(signWebhook(SECRET, Number(req.headers['x-dbops-request-timestamp']), body));
    const given = Buffer.from(String(req.headers['x-dbops-signature'] ?? ''));
    const answered = failuresLeft-- > 0 ? 503 : 200;
    received.push({
      event: String(req.headers['x-dbops-event']),
      delivery: String(req.headers['x-dbops-delivery']),
      body,
      signed: expected.length === given.length && timingSafeEqual(expected, given),
      answered,
    });
    res.writeHead(answered).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/dbops`;
process.env.DBOPS_TEST_WEBHOOK_SECRET = SECRET;

let flow: TicketFlow;
useTicketFlow(
  {
    workers: true,
    configYaml: testConfigYaml(`${FAST_RUNNER}
webhooks:
  - { url: "${url}", secret_env: DBOPS_TEST_WEBHOOK_SECRET, backoff_seconds: 0.05, attempts: 4 }
  - { url: "${url}", secret_env: DBOPS_TEST_WEBHOOK_SECRET, events: [ticket.succeeded] }
`),
  },
  (f) => {
    flow = f;
  },
);
after(async () => {
  delete process.env.DBOPS_TEST_WEBHOOK_SECRET;
  await new Promise((r) => receiver.close(r));
});

it('every change of a ticket is POSTed, signed like Slack signs; failed deliveries are retried with the same id', async () => {
  const ref = refIn(await slash(flow.h, `exec test.${flow.target.name} UPDATE orders SET status = 9 WHERE id = 1`));
  await waitUntil(
    () => received.filter((r) => r.event === 'ticket.succeeded' && r.answered === 200).length === 2,
    30_000,
    'succeeded, to both hooks',
  );
  assert.ok(
    received.every((r) => r.signed),
    'every delivery carries a valid signature',
  );
  const ok = received.filter((r) => r.answered === 200 && JSON.parse(r.body).ticket.ref === ref);
  const events = [...new Set(ok.map((r) => r.event))];
  for (const e of ['ticket.submitted', 'ticket.approved', 'ticket.scheduled', 'ticket.running', 'ticket.succeeded'])
    assert.ok(events.includes(e), `${e} delivered (got ${events.join(', ')})`);
  const failed = received.filter((r) => r.answered === 503);
  assert.equal(failed.length, 2);
  for (const f of failed) {
    const retried = received.find((r) => r.delivery === f.delivery && r.answered === 200);
    assert.ok(retried, `delivery ${f.delivery} retried until it went through`);
    assert.equal(retried.body, f.body, 'a retry sends the same body');
  }
  const body = JSON.parse(ok.find((r) => r.event === 'ticket.succeeded')?.body ?? '{}');
  assert.equal(body.ticket.state, 'succeeded');
  assert.equal(body.event, 'ticket.succeeded');
});
