import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RowDataPacket } from 'mysql2/promise';
import { MonitorStore } from '../../../src/monitor/monitor-store.js';
import { NEAR_REFRESH_MS, NearMissTracker, type NearMiss } from '../../../src/monitor/near-misses.js';
import { monitorFixture, type MonitorFixture } from './fixture.js';

const HOUR = 3_600_000;
const scope = { cluster: 'local', instance: '127.0.0.1:3306' };
let f: MonitorFixture;

before(async () => {
  f = await monitorFixture(`
clusters:
  local: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: root }
`);
});
after(() => f.close());

/** One poll's measurements: each check's value ÷ warning level. */
function poll(ratios: Record<string, number>) {
  const near: NearMiss[] = Object.entries(ratios)
    .filter(([, r]) => r >= 0.8 && r < 1)
    .map(([checkId, ratio]) => ({ checkId, ratio, shown: `${Math.round(ratio * 50)}`, warningShown: '50' }));
  return { ratios: new Map(Object.entries(ratios)), near };
}

async function episodes(check: string): Promise<RowDataPacket[]> {
  const [rows] = await f.meta.query<RowDataPacket[]>(
    'SELECT since, last_seen, ended_how, is_open, peak_shown FROM monitor_near_misses WHERE check_id = ? ORDER BY id',
    [check],
  );
  return rows;
}

describe('weekly digest (real MariaDB meta store, local Slack API)', () => {
  it('near misses: one episode per check while it lasts, ended as dropped or fired, a gap ends it as stale', async () => {
    const tracker = new NearMissTracker(f.meta);
    const start = Date.now() - 26 * HOUR;
    // A poll every 5 minutes for 26 hours: threads just under their level all along, connections
    // for 2 hours, replica lag until it reaches its level after 3 hours.
    for (let t = start; t < Date.now() - 60_000; t += NEAR_REFRESH_MS) {
      const hours = (t - start) / HOUR;
      await tracker.record(
        scope,
        poll({
          'threads-running': hours > 20 ? 0.95 : 0.9,
          connections: hours < 2 ? 0.85 : 0.3,
          'replica-lag': hours < 3 ? 0.9 : 1.2,
        }),
        new Date(t),
      );
    }
    const threads = await episodes('threads-running');
    assert.equal(threads.length, 1, 'one open episode, refreshed');
    assert.equal(threads[0]?.is_open, 1);
    assert.equal(threads[0]?.peak_shown, '48', 'the peak is kept');
    assert.deepEqual(
      (await episodes('connections')).map((e) => [e.ended_how, e.is_open]),
      [['dropped', null]],
    );
    assert.deepEqual(
      (await episodes('replica-lag')).map((e) => [e.ended_how, e.is_open]),
      [['fired', null]],
    );

    // Another worker sees threads near again after nobody did for an hour: the old episode was stale.
    const other = new NearMissTracker(f.meta);
    await other.record({ ...scope }, poll({ 'threads-running': 0.9 }), new Date(Date.now() + HOUR));
    assert.deepEqual(
      (await episodes('threads-running')).map((e) => [e.ended_how, e.is_open]),
      [
        ['stale', null],
        [null, 1],
      ],
    );
    await f.meta.query("DELETE FROM monitor_near_misses WHERE check_id = 'threads-running' AND is_open = 1");
  });

  it('posts one message in the alert channel: near misses over a day, growing tables, the failed tickets of the week', async () => {
    const store = new MonitorStore(f.meta);
    const now = Date.now();
    await store.recordTableSizes(
      'local',
      [{ schema: 'shop', table: 'orders', bytes: 10 * 2 ** 20 }],
      new Date(now - 6 * 24 * HOUR),
      30,
    );
    await store.recordTableSizes(
      'local',
      [{ schema: 'shop', table: 'orders', bytes: 74 * 2 ** 20 }],
      new Date(now - HOUR),
      30,
    );
    await f.meta.query(
      `INSERT INTO tickets (kind, payload, requester, cluster, environment, state, approvals_needed, created_at, updated_at)
       VALUES ('execute', '{}', 'U0DEV00001', 'local', 'test', 'failed', 1, ?, ?),
              ('execute', '{}', 'U0DEV00002', 'local', 'test', 'failed', 1, ?, ?),
              ('execute', '{}', 'U0DEV00003', 'local', 'test', 'done', 1, ?, ?)`,
      [
        new Date(now - 2 * HOUR),
        new Date(now - 2 * HOUR),
        new Date(now - 9 * 24 * HOUR),
        new Date(now - 9 * 24 * HOUR),
        new Date(now - HOUR),
        new Date(now - HOUR),
      ],
    );
    const before = f.posts().length;
    const said = await f.digest.send();
    assert.match(said, /digest of 1 clusters posted/);
    const posts = f.posts();
    assert.equal(posts.length, before + 1);
    const text = JSON.stringify(posts[posts.length - 1]?.blocks);
    assert.match(text, /Weekly digest/);
    assert.match(
      text,
      /Threads running on 127\.0\.0\.1:3306 for 2\d hours/,
      'the 26-hour near miss (stale now) is listed',
    );
    assert.doesNotMatch(text, /Connections on|Replica lag on/, 'a 2-hour one and one that fired are not');
    assert.match(text, /`shop\.orders` \+64\.0 MB to 74\.0 MB/);
    assert.match(text, /Failed tickets:\* 1 ticket/);
    assert.match(text, /by <@U0DEV00001>/);
    assert.doesNotMatch(text, /U0DEV00002|U0DEV00003/, 'failed before the week, or not failed');
  });
});
