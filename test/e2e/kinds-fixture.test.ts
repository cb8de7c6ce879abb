import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commands } from '../../commands/index.js';
import { ticketKinds } from '../../jobs/index.js';
import { KindRegistry } from '../../src/tickets/kind.js';
import { echoCommand } from '../fixtures/kinds/echo-command.js';
import { echo } from '../fixtures/kinds/echo.js';
import { DBA, DEV, startHarness, testConfigYaml, type Harness } from '../support/harness.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import {
  actionIds,
  approvalMessage,
  clickOn,
  createTargetSchema,
  openTicketReader,
  refIn,
  slash,
  ticketOf,
} from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';
import { ids } from '../../src/slack/ids.js';

/**
 * A kind and its verb from test/fixtures/kinds/ only, added to the registries' lists: request →
 * approval → run → thread through the real Bolt app over signed HTTP, with no other file knowing it.
 */
describe('a ticket kind owns its home: a throwaway kind runs end to end', () => {
  const kinds = [...ticketKinds, echo];
  let h: Harness;
  let target: Awaited<ReturnType<typeof createTargetSchema>>;
  let reader: Awaited<ReturnType<typeof openTicketReader>>;
  before(async () => {
    target = await createTargetSchema();
    h = await startHarness({
      workers: true,
      kinds,
      commands: [...commands, echoCommand],
      configYaml: testConfigYaml(FAST_RUNNER),
    });
    reader = await openTicketReader(h, new KindRegistry(kinds));
  });
  after(async () => {
    await reader.close();
    await h.stop();
    await target.drop();
  });

  it('`/dbops echo` opens an echo ticket, a DBA approves it, its job runs and says so in the thread', async () => {
    const ref = refIn(await slash(h, `echo prod.${target.name} hello from a fixture`));
    const message = approvalMessage(h, ref);
    const blocks = JSON.stringify(message.blocks);
    assert.ok(blocks.includes(`Echo on prod.${target.name}`), blocks);
    assert.ok(blocks.includes('*Will say* `hello from a fixture`'), blocks);
    assert.deepEqual(actionIds(message), [ids.ticketActions.approve, ids.ticketActions.reject]);
    const ticket = await ticketOf(reader.store, ref);
    // The static kind union lists jobs/index.ts's kinds; this one is known to the process's registry only.
    const { kind, payload }: { kind: string; payload: unknown } = ticket;
    assert.equal(kind, 'echo');
    assert.deepEqual(payload, { text: 'hello from a fixture' });
    assert.equal(ticket.requester, DEV);

    assert.equal((await clickOn(h, message, DBA, 'approve', ref)).status, 200);
    await waitUntil(async () => (await ticketOf(reader.store, ref)).state === 'succeeded', 30_000, `${ref} to succeed`);
    const job = await h.jobs.getJob(h.jobId(ticket.id));
    assert.equal(job?.name, 'echo');

    const done = await ticketOf(reader.store, ref);
    const thread = () => h.api.replies(done.slack.threadChannel ?? '', done.slack.threadTs ?? '');
    await waitUntil(
      // The status message turns into the result (its text or blocks); the thread's last reply points to it.
      async () => (await thread()).some((m) => JSON.stringify(m).includes('Said `hello from a fixture` back')),
      10_000,
      'the result in the thread',
    );
    const texts = (await thread()).map((m) => JSON.stringify(m));
    assert.ok(
      texts.some((t) => t.includes('echo: hello from a fixture')),
      texts.join('\n'),
    );
  });
});
