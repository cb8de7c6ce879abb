import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ids } from '../../src/slack/ids.js';
import { DBA, DEV, type Harness } from '../support/harness.js';
import {
  actionIds,
  approvalMessage,
  edited,
  refIn,
  slash,
  ticketOf,
  waitForCall,
  useTicketFlow,
  type TicketFlow,
} from '../support/ticket-flow.js';

const HOME_FORMS = [ids.home.requestChange, ids.home.reviewSql, ids.home.migrate, ids.home.requestAccess];

describe('App Home: my open tickets, and pending approvals for DBAs, with working buttons', () => {
  let h: Harness;
  let target: TicketFlow['target'];
  let reader: TicketFlow['reader'];
  useTicketFlow(undefined, (flow) => ({ h, target, reader } = flow));

  /** Open the Home tab as `user`; resolves with the view published for them. */
  const openHome = async (user: string) => {
    const since = h.api.calls.length;
    await h.slack.eventCallback({ type: 'app_home_opened', user, channel: h.api.dmChannel(user), tab: 'home' });
    await waitForCall(h, (c) => c.method === 'views.publish' && c.params.user_id === user, since);
    const home = h.api.homeViews.get(user);
    assert.ok(home);
    return home;
  };
  const clickInHome = (user: string, kind: 'approve' | 'cancel', ref: string) => {
    const home = h.api.homeViews.get(user);
    assert.ok(home);
    return h.slack.blockAction({ userId: user, actionId: ids.ticketActions[kind], value: ref, view: home.view });
  };

  it('shows a developer their open tickets with Cancel, and no approvals section', async () => {
    const ref = refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET status = 4 WHERE id = 1`));
    const home = await openHome(DEV);
    const blocks = JSON.stringify(home.view.blocks);
    assert.match(blocks, /Your open tickets/);
    assert.ok(blocks.includes(`*${ref}*`));
    assert.ok(!blocks.includes('Waiting for a DBA'), 'developers see no approvals section');
    assert.deepEqual(actionIds({ blocks: home.view.blocks as unknown[] }), [...HOME_FORMS, ids.ticketActions.cancel]);
    assert.match(
      blocks,
      new RegExp(`\\*${ref}\\*.*<https://dbops-local\\.slack\\.com/archives/C0APPROVALS/p\\d+\\|thread>`),
    );
  });

  it('shows DBAs the pending approvals; Approve in Home works like in the channel', async () => {
    const ref = refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET status = 4 WHERE id = 2`));
    const home = await openHome(DBA);
    const blocks = JSON.stringify(home.view.blocks);
    assert.match(blocks, /Waiting for a DBA \(\d+\)/);
    assert.ok(blocks.includes(`"text":"${ref} · SQL change on prod.${target.name}"`), 'the full approval card');
    for (const part of [
      '*Requested by*',
      '*Estimated rows*',
      'Running now* (0)',
      'Alerts firing* (0)',
      'No backups are configured',
    ])
      assert.ok(blocks.includes(part), `Home lacks ${part}`);
    assert.ok(blocks.includes(`"block_id":"${ids.home.cardPrefix}${ref.slice(2)}"`), 'one actions block per card');
    assert.match(
      blocks,
      new RegExp(`"action_id":"${ids.ticketActions.approve.replace(/\./g, '\\.')}","value":"${ref}"`),
    );

    const since = h.api.calls.length;
    await clickInHome(DBA, 'approve', ref);
    await edited(h, ref, /Approved/);
    await waitForCall(
      h,
      (c) =>
        c.method === 'views.publish' &&
        c.params.user_id === DBA &&
        JSON.stringify(c.params.view).includes(`You approved ${ref}`),
      since,
    );
    assert.equal((await ticketOf(reader.store, ref)).state, 'scheduled');
    assert.ok(await h.jobs.getJob(h.jobId(Number(ref.slice(2)))));
  });

  it('Cancel in Home withdraws the ticket, edits its approval message and refreshes Home', async () => {
    const ref = refIn(await slash(h, `exec prod.${target.name} UPDATE orders SET status = 4 WHERE id = 3`));
    await openHome(DEV);
    const since = h.api.calls.length;
    await clickInHome(DEV, 'cancel', ref);
    await edited(h, ref, /Cancelled/);
    const republished = await waitForCall(
      h,
      (c) =>
        c.method === 'views.publish' &&
        c.params.user_id === DEV &&
        JSON.stringify(c.params.view).includes(`${ref} is cancelled`),
      since,
    );
    assert.ok(!JSON.stringify(republished.params.view).includes(`*${ref}* ·`), 'a cancelled ticket is no longer open');
    assert.deepEqual(actionIds(approvalMessage(h, ref)), []);
    assert.equal((await ticketOf(reader.store, ref)).state, 'cancelled');
  });
});
