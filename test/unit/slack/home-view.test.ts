import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ids } from '../../../src/slack/ids.js';
import { HOME_BLOCKS_MAX, type HomeInput, homeView } from '../../../src/slack/views/home.js';
import { makeTicket } from '../tickets/make-ticket.js';

const DEV = 'U0DEV00001';
const DBA = 'U0DBA00001';
const NOW = new Date('2026-12-09T10:00:00Z');

const text = (blocks: readonly unknown[]) => JSON.stringify(blocks);
const tickets = (n: number, from: number, over: Parameters<typeof makeTicket>[0] = {}) =>
  Array.from({ length: n }, (_, i) => makeTicket({ id: from + i, ref: `T-${from + i}`, ...over }));

const alert = (i: number) => ({
  cluster: 'prod',
  instance: `10.0.0.${i}:3306`,
  checkId: 'replica-lag',
  subject: '',
  severity: i % 2 === 0 ? ('critical' as const) : ('warning' as const),
  valueText: `${i * 10} s`,
  summary: 'lag',
  ackedBy: null,
  firedAt: new Date(NOW.getTime() - 600_000),
  firstSeenAt: NOW,
});

/** A DBA's Home with everything at its fullest. */
function fullest(over: Partial<HomeInput> = {}): HomeInput {
  const pending = tickets(20, 100, { requester: DEV });
  return {
    user: DBA,
    dba: true,
    mine: tickets(20, 1, { requester: DBA, state: 'awaiting_approval' }),
    pending,
    cards: pending.slice(0, 6).map((ticket) => ({ ticket, events: [], timezone: 'UTC' })),
    running: tickets(12, 200, { state: 'running' }).map((ticket, i) => ({
      ticket,
      progress: i / 12,
      progressText: `${i} of 12 tables`,
    })),
    alerts: Array.from({ length: 15 }, (_, i) => alert(i + 1)),
    clusters: Array.from({ length: 30 }, (_, i) => ({
      name: `c${i}`,
      env: 'prod',
      primary: `10.0.${i}.1:3306`,
      replicas: 2,
      down: [],
      firing: 0,
    })),
    runbooks: ['analyze-table', 'kill-user-queries', 'a', 'b', 'c', 'd', 'e'],
    zones: {},
    now: NOW,
    notice: 'You approved T-9.',
    ...over,
  };
}

describe('App Home dashboard (pure view)', () => {
  it('everyone: the four forms first, open tickets with state and a thread link, grants; no DBA sections', () => {
    const view = homeView({
      user: DEV,
      dba: false,
      mine: [makeTicket({ id: 7, ref: 'T-7', requester: DEV })],
      pending: [],
      zones: {},
      threadLinks: { 7: 'https://x.slack.com/archives/C1/p1' },
      runbooks: ['analyze-table'],
    });
    const blocks = text(view.blocks);
    const forms = JSON.stringify(view.blocks.find((b) => b.block_id === ids.home.formsBlock));
    assert.deepEqual(
      [...forms.matchAll(/"action_id":"([^"]+)"/g)].map((m) => m[1]),
      [ids.home.requestChange, ids.home.reviewSql, ids.home.migrate, ids.home.requestAccess],
    );
    assert.match(blocks, /\*Your open tickets\* \(1\)/);
    assert.match(
      blocks,
      /\*T-7\* · :hourglass_flowing_sand: waiting for approval.*<https:\/\/x\.slack\.com\/archives\/C1\/p1\|thread>/,
    );
    assert.match(
      blocks,
      /"action_id":"dbops\.runbook\.open\.analyze-table","text":\{"type":"plain_text","text":"Run analyze-table…"\},"value":"analyze-table"/,
    );
    for (const dbaOnly of ['Waiting for a DBA', 'Running now', 'Alerts firing', "Last night's backups", 'Clusters'])
      assert.ok(!blocks.includes(dbaOnly), `a developer sees no ${dbaOnly}`);
  });

  it('DBAs: waiting tickets as full approval cards, running with progress, alerts, backups slot, counts in headers', () => {
    const view = homeView(fullest());
    const blocks = text(view.blocks);
    assert.match(blocks, /"text":"Waiting for a DBA \(20\)"/);
    assert.match(blocks, /"text":"T-100 · SQL change on prod\.shop"/, 'the card header');
    assert.match(blocks, /\*Requested by\*\\n<@U0DEV00001>/, 'the card fields');
    assert.match(blocks, new RegExp(`"block_id":"${ids.home.cardPrefix.replace(/\./g, '\\.')}100"`));
    assert.match(blocks, /\*Running now\* \(12\)/);
    assert.match(blocks, /▓+░+ \d+%/);
    assert.match(blocks, /and 4 more — `\/dbops tickets all`/);
    assert.match(blocks, /\*Alerts firing\* \(15\)/);
    assert.match(blocks, /and 7 more — `\/dbops alerts`/);
    assert.match(blocks, /\*Last night's backups\*.*No backups are configured\./);
    assert.match(blocks, /\*Clusters\* \(30\)/);
    assert.match(blocks, /\*Your open tickets\* \(20\)/);
    assert.match(blocks, /and 12 more — `\/dbops tickets mine`/);
  });

  it('never over 100 blocks: the cards take what the rest leaves and the cut says how many more', () => {
    const view = homeView(fullest());
    assert.ok(view.blocks.length <= HOME_BLOCKS_MAX, `${view.blocks.length} blocks`);
    const shownCards = (text(view.blocks).match(/"text":"T-1\d\d · SQL change/g) ?? []).length;
    assert.ok(shownCards >= 1, 'at least one card fits');
    assert.match(text(view.blocks), new RegExp(`and ${20 - shownCards} more — \`/dbops tickets pending\``));
    const quiet = homeView(
      fullest({ mine: [], running: [], alerts: [], clusters: [], runbooks: [], notice: undefined }),
    );
    const quietCards = (text(quiet.blocks).match(/"text":"T-1\d\d · SQL change/g) ?? []).length;
    assert.equal(quietCards, 6, 'with little else on Home every card read is shown');
  });

  it('block ids are unique (a DBA’s own waiting ticket is both in their list and a card)', () => {
    const own = makeTicket({ id: 5, ref: 'T-5', requester: DBA });
    const view = homeView({
      user: DBA,
      dba: true,
      mine: [own],
      pending: [own],
      cards: [{ ticket: own, events: [], timezone: 'UTC' }],
      zones: {},
    });
    const blockIds = view.blocks.flatMap((b) => (b.block_id ? [b.block_id] : []));
    assert.equal(new Set(blockIds).size, blockIds.length, blockIds.join(', '));
    assert.match(text(view.blocks), /Your own ticket: another DBA has to decide it/);
  });

  it('backups, once a source fills the slot: one line per cluster and the failures counted', () => {
    const view = homeView(
      fullest({
        backups: [
          { cluster: 'prod', ok: true, text: 'B-12 · 02:00 · 4.2 GB in 6 min · verified' },
          { cluster: 'staging', ok: false, text: 'failed: disk full' },
        ],
      }),
    );
    assert.match(text(view.blocks), /\*Last night's backups\* \(2, 1 failed\)/);
    assert.match(text(view.blocks), /:x: \*staging\* · failed: disk full/);
  });

  it('clusters: each one’s primary and replicas; Switchover… opens the form when a cluster has a replica to promote', () => {
    const glance = { env: 'prod', down: [], firing: 0 };
    const view = homeView(
      fullest({
        clusters: [
          { ...glance, name: 'shop', primary: '10.0.0.3:3306', replicas: 2 },
          { ...glance, name: 'ha', primary: '10.0.1.1:3306', replicas: 1, primaryDown: true, firing: 1 },
        ],
      }),
    );
    const blocks = text(view.blocks);
    assert.match(blocks, /\*shop\* \(prod\) · primary `10\.0\.0\.3:3306` \+ 2 replicas · :large_green_circle: up/);
    assert.match(blocks, /\*ha\* \(prod\) · primary `10\.0\.1\.1:3306` \+ 1 replica · :red_circle: primary down/);
    const heading = view.blocks.find((b) => b.type === 'section' && /\*Clusters\* \(2\)/.test(text([b])));
    assert.ok(heading && 'accessory' in heading, 'the heading carries the button');
    assert.equal((heading.accessory as { action_id?: string }).action_id, ids.home.switchover);

    const single = homeView(
      fullest({ clusters: [{ ...glance, name: 'solo', primary: '10.0.9.1:3306', replicas: 0 }] }),
    );
    assert.doesNotMatch(
      text(single.blocks),
      new RegExp(ids.home.switchover.replace(/\./g, '\\.')),
      'nothing to promote',
    );
    assert.match(text(single.blocks), /\*solo\* \(prod\) · primary `10\.0\.9\.1:3306` · /);
  });
});
