import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { defineTicketJob } from '../../src/queue/job-kind.js';
import { ids } from '../../src/slack/ids.js';
import { SqlChangePayload } from '../../jobs/execute-sql.js';
import { DBA, startHarness, testConfigYaml, type Harness } from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import { createTargetSchema, openTicketReader, refIn, slash, ticketOf } from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

// A ticket job that fails raises an alert in the alert channel, through the real runner and alert service.
const ALERTS = 'C0DBALERTS';
const failing = defineTicketJob({
  name: 'execute-sql',
  payload: SqlChangePayload,
  async process() {
    throw new Error('Lock wait timeout exceeded; try restarting transaction');
  },
});

let h: Harness;
let target: Awaited<ReturnType<typeof createTargetSchema>>;
let reader: Awaited<ReturnType<typeof openTicketReader>>;
before(async () => {
  target = await createTargetSchema();
  h = await startHarness({ workers: true, jobs: [failing], configYaml: testConfigYaml(FAST_RUNNER) });
  reader = await openTicketReader(h);
});
after(async () => {
  await reader.close();
  await h.stop();
  await target.drop();
});

it('a failed ticket job raises an alert with the ticket and the reason; a DBA acknowledging it closes it', async () => {
  const ref = refIn(await slash(h, `exec test.${target.name} UPDATE orders SET status = 9 WHERE id = 1`));
  await waitUntil(async () => (await ticketOf(reader.store, ref)).state === 'failed', 30_000, 'the ticket to fail');
  await waitUntil(
    () => h.api.messages(ALERTS).some((m) => new RegExp(`Ticket job failed.*${ref}`).test(JSON.stringify(m.blocks))),
    10_000,
    'the alert',
  );
  const [post] = h.api.messages(ALERTS);
  assert.match(
    JSON.stringify(post.blocks),
    new RegExp(`${ref} \\(execute-sql on test\\.${target.name}, attempt 1\\) failed: .*Lock wait timeout exceeded`),
  );
  const [alert] = (await h.runtime.monitoring?.alerts.firing('test')) ?? [];
  assert.equal(alert?.checkId, 'ticket-failed');
  assert.equal(alert.subject, ref);

  await h.slack.blockAction({
    userId: DBA,
    actionId: ids.alertActions.acknowledge,
    value: `alert-${alert.id}`,
    channelId: ALERTS,
    messageTs: post.ts,
  });
  await waitUntil(
    async () => ((await h.runtime.monitoring?.alerts.firing('test')) ?? []).length === 0,
    10_000,
    'the alert to close',
  );
  await waitUntil(
    () => /all clear/.test(JSON.stringify(h.api.message(ALERTS, post.ts)?.blocks)),
    10_000,
    'the message to say all clear',
  );
});
