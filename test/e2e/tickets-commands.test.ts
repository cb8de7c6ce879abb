import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ids } from '../../src/slack/ids.js';
import { APPROVAL_CHANNEL, DBA, DBA2, DEV, DEV_CHANNEL, type Harness } from '../support/harness.js';
import {
  actionIds,
  approvalMessage,
  clickOn,
  edited,
  idOf,
  refIn,
  slash,
  ticketOf,
  waitForCall,
  useTicketFlow,
  type TicketFlow,
} from '../support/ticket-flow.js';

const CONFIG = `
slack:
  dba_users: [${DBA}, ${DBA2}]
  approval_channel: ${APPROVAL_CHANNEL}
  alert_channel: C0DBALERTS
clusters:
  prod:
    env: prod
    primary: { host: 127.0.0.1, port: 3306 }
    user: root
  busy:
    env: staging
    primary: { host: 127.0.0.1, port: 3306 }
    user: root
    timezone: Asia/Shanghai
    peak_hours: ["00:00-12:00", "12:00-23:59"]
`;

describe('/dbops exec, ticket, tickets and cancel', () => {
  let h: Harness;
  let target: TicketFlow['target'];
  let reader: TicketFlow['reader'];
  useTicketFlow({ configYaml: CONFIG }, (flow) => ({ h, target, reader } = flow));

  it('refuses bad exec input with a specific answer, before any review or ticket', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        `exec prd.${target.name} UPDATE orders SET status = 1 WHERE id = 1`,
        /cluster `prd` is not in dbops.yml — did you mean `prod`\? \(known: prod, busy\)/,
      ],
      ['exec UPDATE orders SET status = 1', /start with the target as cluster\.schema/],
      [
        `exec prod.${target.name} UPDATE orders SET status = 1 WHERE id = 1 at 25:00`,
        /I can't read "at 25:00" as a run time/,
      ],
      [`exec prod.${target.name} UPDATE orders SET status = 1 WHERE id = 1 at 2020-01-01 01:00`, /is in the past/],
      [
        `exec busy.${target.name} UPDATE orders SET status = 1 WHERE id = 1 at 02:00`,
        /inside the peak hours 00:00-12:00 \(Asia\/Shanghai\).*The next allowed time is \d{4}-\d{2}-\d{2} 23:59 Asia\/Shanghai/,
      ],
    ];
    for (const [text, expected] of cases) {
      const reply = await slash(h, text);
      assert.match(String(reply.params.text), expected, text);
    }
    assert.deepEqual(await reader.store.listAll(), [], 'no ticket was opened');
  });

  it('keeps "at" inside the SQL, and reads a trailing "at HH:MM" as the run time (the job waits for it)', async () => {
    const kept = refIn(
      await slash(h, `exec prod.${target.name} UPDATE orders SET note = 'meet at 02:00' WHERE id = 2`),
    );
    const keptTicket = await ticketOf(reader.store, kept);
    assert.equal(
      keptTicket.kind === 'sql-change' && keptTicket.payload.sql,
      "UPDATE orders SET note = 'meet at 02:00' WHERE id = 2",
    );
    assert.equal(keptTicket.runAt, null);

    // Two hours ahead, so it is never the current minute (which would mean "now").
    const hour = String((new Date().getUTCHours() + 2) % 24).padStart(2, '0');
    const timed = refIn(
      await slash(h, `exec prod.${target.name} UPDATE orders SET status = 6 WHERE id = 2 at ${hour}:00`),
    );
    const ticket = await ticketOf(reader.store, timed);
    assert.equal(ticket.kind === 'sql-change' && ticket.payload.sql, 'UPDATE orders SET status = 6 WHERE id = 2');
    assert.ok(ticket.runAt && ticket.runAt.getUTCHours() === Number(hour) && ticket.runAt.getUTCMinutes() === 0);
    assert.match(
      JSON.stringify(approvalMessage(h, timed).blocks),
      new RegExp(`\\*Run\\*\\\\n\\d{4}-\\d{2}-\\d{2} ${hour}:00 UTC`),
    );
    await clickOn(h, approvalMessage(h, timed), DBA, 'approve', timed);
    await edited(h, timed, /Approved/);
    assert.equal(await h.jobs.getJobState(h.jobId(idOf(timed))), 'delayed');
  });

  it('without SQL, exec opens a form; every problem shows under its field at once, then it opens the ticket', async () => {
    let since = h.api.calls.length;
    await h.slack.slashCommand({ text: `exec prod.${target.name}`, userId: DEV, channelId: DEV_CHANNEL });
    const opened = await waitForCall(h, (c) => c.method === 'views.open', since);
    const view = JSON.stringify(opened.params.view);
    assert.match(view, /"type":"static_select","action_id":"cluster_input"/, 'the cluster is picked from a list');
    assert.match(view, /"initial_option":\{"text":\{"type":"plain_text","text":"prod"\},"value":"prod"\}/);
    assert.match(view, new RegExp(`"initial_value":"${target.name}"`));
    assert.match(view, /"type":"timepicker","action_id":"run_time_input"/);
    assert.match(view, /"type":"datepicker","action_id":"run_date_input"/);
    const viewId = h.api.openedViews.at(-1)?.id;
    const f = ids.execModal;
    const values = (cluster: string | null, schema: string, sql: string, date: string | null, time: string | null) => ({
      [f.clusterBlock]: {
        [f.clusterInput]: {
          type: 'static_select',
          selected_option: cluster ? { text: { type: 'plain_text', text: cluster }, value: cluster } : null,
        },
      },
      [f.schemaBlock]: { [f.schemaInput]: { type: 'plain_text_input', value: schema } },
      [f.sqlBlock]: { [f.sqlInput]: { type: 'plain_text_input', value: sql } },
      [f.dateBlock]: { [f.dateInput]: { type: 'datepicker', selected_date: date } },
      [f.timeBlock]: { [f.timeInput]: { type: 'timepicker', selected_time: time } },
    });
    const bad = await h.slack.viewSubmission({
      userId: DEV,
      callbackId: f.callback,
      viewId,
      values: values(null, '', '', '2026-11-25', null),
    });
    const errors = JSON.parse(bad.body) as { response_action: string; errors: Record<string, string> };
    assert.equal(errors.response_action, 'errors');
    assert.deepEqual(
      Object.keys(errors.errors).sort(),
      [f.clusterBlock, f.schemaBlock, f.sqlBlock, f.timeBlock].sort(),
      'all of them at once',
    );
    const past = await h.slack.viewSubmission({
      userId: DEV,
      callbackId: f.callback,
      viewId,
      values: values('prod', target.name, 'UPDATE orders SET status = 1 WHERE id = 1', '2020-01-01', '02:00'),
    });
    assert.match(past.body, /"run_date":"/, 'a start in the past is refused under the date');
    // A form opened before an upgrade still has the typed target: a typo gets the likely cluster.
    const typo = await h.slack.viewSubmission({
      userId: DEV,
      callbackId: f.callback,
      viewId,
      values: {
        [f.targetBlock]: { [f.targetInput]: { type: 'plain_text_input', value: `prdo.${target.name}` } },
        [f.sqlBlock]: { [f.sqlInput]: { type: 'plain_text_input', value: 'SELECT 1' } },
        [f.runAtBlock]: { [f.runAtInput]: { type: 'plain_text_input', value: '' } },
      },
    });
    assert.match(typo.body, /Cluster `prdo` is not in dbops\.yml — did you mean `prod`\?/);
    since = h.api.calls.length;
    await h.slack.viewSubmission({
      userId: DEV,
      callbackId: f.callback,
      viewId,
      values: values('prod', target.name, 'UPDATE orders SET status = 1 WHERE id = 1', null, null),
    });
    const answer = await waitForCall(
      h,
      (c) => c.method === 'chat.postEphemeral' && c.params.user === DEV && c.params.channel === DEV_CHANNEL,
      since,
    );
    const ref = refIn(answer);
    assert.match(String(answer.params.text), /waiting for DBA approval/);
    assert.equal((await ticketOf(reader.store, ref)).state, 'awaiting_approval');
  });

  it('long SQL is cut in the approval message and given whole in the thread, as a file when very long', async () => {
    const list = Array.from({ length: 700 }, (_, i) => i + 1).join(',\n');
    const sql = `UPDATE orders SET note = 'x' WHERE id IN (${list})`;
    const ref = refIn(await slash(h, `exec prod.${target.name} ${sql}`));
    const message = approvalMessage(h, ref);
    const blocks = JSON.stringify(message.blocks);
    assert.match(blocks, /The statement is cut after 15 lines; the whole SQL is in the thread as a file/);
    assert.ok(!blocks.includes('700)'), 'the message holds only the start');
    assert.ok(blocks.includes('14,\\n15,\\n…'), 'cut at a line boundary');
    await waitForCall(h, (c) => c.method === 'files.completeUploadExternal' && c.params.thread_ts === message.ts);
    const file = h.api.files.find((x) => x.name === `${ref}.sql`);
    assert.equal(file?.bytes?.toString(), sql);
  });

  it('many statements are cut at a statement boundary, counted, and the whole SQL is a file in the thread', async () => {
    const sql = Array.from({ length: 40 }, (_, i) => `UPDATE orders SET note = 'n${i}' WHERE id = ${i + 1}`).join(
      ';\n',
    );
    const ref = refIn(await slash(h, `exec prod.${target.name} ${sql}`));
    const message = approvalMessage(h, ref);
    const blocks = JSON.stringify(message.blocks);
    assert.match(blocks, /15 of 40 statements shown; the whole SQL is in the thread as a file/);
    assert.ok(blocks.includes('WHERE id = 15;\\n…'), 'ends with a whole statement');
    await waitForCall(h, (c) => c.method === 'files.completeUploadExternal' && c.params.thread_ts === message.ts);
    assert.equal(h.api.files.find((x) => x.name === `${ref}.sql`)?.bytes?.toString(), sql);
  });

  it('/dbops ticket shows the detail and whole history; unknown and malformed ids get clear answers', async () => {
    const ref = refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET status = 2 WHERE id = 3`));
    await clickOn(h, approvalMessage(h, ref), DBA, 'approve', ref);
    await edited(h, ref, /Approved/);
    const detail = await slash(h, `ticket ${ref.toLowerCase()}`);
    const blocks = JSON.stringify(detail.params.blocks);
    for (const expected of [
      `${ref} · SQL change on prod.${target.name}`,
      'scheduled',
      'History',
      `<@${DEV}> opened the ticket`,
      'review passed (grade A)',
      `<@${DBA}> approved (1 of 1)`,
      'dbops handed it to the queue → scheduled',
      `*Technical:* Attempt 1 · job \`${h.jobId(idOf(ref))}\``,
    ]) {
      assert.ok(blocks.includes(expected), `detail lacks "${expected}": ${blocks}`);
    }
    assert.deepEqual(
      actionIds({ blocks: detail.params.blocks as unknown[] }),
      [ids.ticketActions.cancel],
      'the requester may still cancel a scheduled ticket',
    );
    assert.match(String((await slash(h, 'ticket T-99999')).params.text), /There is no ticket T-99999/);
    assert.match(
      String((await slash(h, 'ticket orders')).params.text),
      /`orders` is not a ticket id; ids look like T-42/,
    );
  });

  it('/dbops tickets lists mine, pending (with buttons for DBAs) or all; anything else gets the usage', async () => {
    const ref = refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET status = 3 WHERE id = 3`));
    const mine = JSON.stringify((await slash(h, 'tickets')).params.blocks);
    assert.match(mine, /My tickets/);
    assert.ok(mine.includes(`*${ref}*`));
    const pending = await slash(h, 'tickets pending', DBA);
    assert.ok(JSON.stringify(pending.params.blocks).includes(`*${ref}*`));
    assert.ok(actionIds({ blocks: pending.params.blocks as unknown[] }).includes(ids.ticketActions.approve));
    assert.ok(
      !actionIds({ blocks: (await slash(h, 'tickets pending', DEV)).params.blocks as unknown[] }).includes(
        ids.ticketActions.approve,
      ),
      'no Approve for developers',
    );
    assert.match(JSON.stringify((await slash(h, 'tickets all', DBA2)).params.blocks), /All tickets/);
    assert.match(String((await slash(h, 'tickets everything')).params.text), /say mine, pending or all/);
  });

  it('when the approval channel refuses the post, the requester is told and the ticket still waits for DBAs', async () => {
    h.api.failNext('chat.postMessage', { kind: 'error', error: 'not_in_channel' });
    const reply = await slash(h, `exec prod.${target.name} UPDATE orders SET status = 8 WHERE id = 1`);
    const ref = refIn(reply);
    assert.match(
      String(reply.params.text),
      new RegExp(
        `\\*${ref}\\* is open and waiting for approval, but I could not post it in <#${APPROVAL_CHANNEL}> \\(I am not in that channel\\)`,
      ),
    );
    assert.equal((await ticketOf(reader.store, ref)).state, 'awaiting_approval');
    assert.ok(
      JSON.stringify((await slash(h, 'tickets pending', DBA)).params.blocks).includes(`*${ref}*`),
      'DBAs still find it',
    );
  });

  it('/dbops cancel: only the requester or a DBA, only before it runs; a queued job leaves the queue', async () => {
    const ref = refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET status = 4 WHERE id = 1`, DBA));
    assert.match(
      String((await slash(h, `cancel ${ref}`, DEV)).params.text),
      new RegExp(`Only <@${DBA}>, who asked for ${ref}, or a DBA can cancel it`),
    );
    assert.equal((await ticketOf(reader.store, ref)).state, 'awaiting_approval');

    await clickOn(h, approvalMessage(h, ref), DBA2, 'approve', ref);
    await edited(h, ref, /Approved/);
    assert.equal(await h.jobs.getJobState(h.jobId(idOf(ref))), 'waiting');
    const done = await slash(h, `cancel ${ref} wrong table`, DBA);
    assert.match(
      String(done.params.text),
      new RegExp(`${ref} is cancelled\\. Its queued job was taken out of the queue\\.`),
    );
    assert.equal(await h.jobs.getJobState(h.jobId(idOf(ref))), 'unknown');
    await edited(h, ref, /Cancelled\* by <@U0DBA00001> at .*wrong table/);
    assert.deepEqual(actionIds(approvalMessage(h, ref)), []);
    assert.match(
      String((await slash(h, `cancel ${ref}`, DBA2)).params.text),
      new RegExp(`${ref} was already cancelled by <@${DBA}>`),
    );
  });
});
