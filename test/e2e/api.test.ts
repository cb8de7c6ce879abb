import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { createLogger } from '../../src/kernel/logger.js';
import { DBA, DEV, testConfigYaml } from '../support/harness.js';
import { approvalMessage, clickOn, edited, type TicketFlow, useTicketFlow } from '../support/ticket-flow.js';

// The HTTP API for pipelines over real HTTP against the running bot: tokens and scopes, the review,
// an exec ticket approved in Slack, reading it back; every answer checked against the OpenAPI document.
const REVIEW_TOKEN = `rv-${randomBytes(16).toString('hex')}`;
const REQUEST_TOKEN = `rq-${randomBytes(16).toString('hex')}`;
const DEV2 = 'U0DEV00002';
const logLines: string[] = [];
const api = `
api:
  tokens:
    - { name: ci-review, token_env: DBOPS_TEST_API_REVIEW, scopes: [review] }
    - { name: ci-deploy, token_env: DBOPS_TEST_API_REQUEST, scopes: [request], users: [${DEV}] }
`;
process.env.DBOPS_TEST_API_REVIEW = REVIEW_TOKEN;
process.env.DBOPS_TEST_API_REQUEST = REQUEST_TOKEN;

let flow: TicketFlow;
useTicketFlow(
  { configYaml: testConfigYaml(api), logger: createLogger('info', {}, (line) => logLines.push(line)) },
  (f) => {
    flow = f;
  },
);
after(() => {
  delete process.env.DBOPS_TEST_API_REVIEW;
  delete process.env.DBOPS_TEST_API_REQUEST;
});

async function call(method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${flow.h.runtime.port}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/** A validator for one of the document's schemas (its refs point into components.schemas). */
let schemaOf: (name: string) => z.ZodType;
function conforms(name: string, body: unknown): void {
  const result = schemaOf(name).safeParse(body);
  assert.ok(result.success, `${name}: ${JSON.stringify(result.error?.issues)}\n${JSON.stringify(body)}`);
}

describe('/api/v1', () => {
  before(async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    const defs = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', '#/$defs/'));
    schemaOf = (name) => z.fromJSONSchema({ $ref: `#/$defs/${name}`, $defs: defs });
  });

  it('serves an OpenAPI 3.1 document whose every $ref resolves and whose schemas compile', async () => {
    const { status, body: doc } = await call('GET', '/openapi.json');
    assert.equal(status, 200);
    assert.equal(doc.openapi, '3.1.0');
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1] ?? '');
    assert.ok(refs.length > 5);
    for (const ref of refs) {
      const target = ref.split('/').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], doc);
      assert.ok(target, `#/${ref} resolves`);
    }
    for (const name of Object.keys(doc.components.schemas)) assert.ok(schemaOf(name));
    for (const [path, item] of Object.entries<Record<string, { responses: object }>>(doc.paths))
      for (const op of Object.values(item)) assert.ok(Object.keys(op.responses).length > 0, `${path} has responses`);
    conforms('Error', { error: 'x' });
    assert.equal(schemaOf('Error').safeParse({}).success, false, 'the validator does reject');
  });

  it('refuses a missing or wrong token (401) and a token without the scope (403)', async () => {
    const none = await call('POST', '/reviews', undefined, { sql: 'SELECT 1' });
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    conforms('Error', none.body);
    assert.equal((await call('POST', '/reviews', `${REVIEW_TOKEN}x`, { sql: 'SELECT 1' })).status, 401);
    const scope = await call('POST', '/tickets', REVIEW_TOKEN, { target: `prod.${flow.target.name}`, sql: 'SELECT 1' });
    assert.equal(scope.status, 403);
    assert.match(scope.body.error, /scopes \(review\) do not include request/);
  });

  it('POST /reviews answers the JSON report of the CLI, with and without a target', async () => {
    const plain = await call('POST', '/reviews', REVIEW_TOKEN, { sql: 'DELETE FROM t' });
    assert.equal(plain.status, 200);
    conforms('ReviewReport', plain.body);
    assert.ok(plain.body.summary.errors > 0);
    const live = await call('POST', '/reviews', REVIEW_TOKEN, {
      sql: 'UPDATE orders SET status = 2 WHERE id = 1',
      target: `prod.${flow.target.name}`,
      change: true,
    });
    assert.equal(live.status, 200, JSON.stringify(live.body));
    conforms('ReviewReport', live.body);
    const bad = await call('POST', '/reviews', REVIEW_TOKEN, { sql: '', extra: 1 });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /sql/);
  });

  it('POST /tickets opens an exec ticket for the mapped user; DBAs approve it in Slack; GET reads it back', async () => {
    const sql = 'UPDATE orders SET status = 4 WHERE id = 3';
    const opened = await call('POST', '/tickets', REQUEST_TOKEN, {
      target: `prod.${flow.target.name}`,
      sql,
      idempotency_key: 'pipeline-77',
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    conforms('OpenedTicket', opened.body);
    const { ref, requester, state } = opened.body.ticket;
    assert.deepEqual({ requester, state }, { requester: DEV, state: 'awaiting_approval' });
    const again = await call('POST', '/tickets', REQUEST_TOKEN, {
      target: `prod.${flow.target.name}`,
      sql,
      idempotency_key: 'pipeline-77',
    });
    assert.equal(again.body.ticket.ref, ref, 'the same idempotency key opens no second ticket');

    await clickOn(flow.h, approvalMessage(flow.h, ref), DBA, 'approve', ref);
    await edited(flow.h, ref, /Approved/);
    const read = await call('GET', `/tickets/${ref}`, REVIEW_TOKEN);
    assert.equal(read.status, 200);
    conforms('TicketEnvelope', read.body);
    assert.ok(['approved', 'scheduled'].includes(read.body.ticket.state), read.body.ticket.state);
    assert.deepEqual(
      read.body.ticket.approvals.map((a: { approver: string }) => a.approver),
      [DBA],
    );
    assert.equal((await call('GET', '/tickets/T-99999999', REQUEST_TOKEN)).status, 404);
  });

  it('a ticket for a user the token does not map is refused; tokens never reach the log', async () => {
    const other = await call('POST', '/tickets', REQUEST_TOKEN, {
      target: `prod.${flow.target.name}`,
      sql: 'UPDATE orders SET status = 5 WHERE id = 2',
      on_behalf_of: DEV2,
    });
    assert.equal(other.status, 403);
    assert.match(other.body.error, /may not open tickets for U0DEV00002/);
    const log = logLines.join('\n');
    assert.match(log, /"msg":"API request"/);
    assert.match(log, /"caller":"ci-deploy"/);
    assert.ok(!log.includes(REVIEW_TOKEN) && !log.includes(REQUEST_TOKEN), 'no token value is logged');
  });
});
