import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MonitorsSection } from '../../../src/config/schema.js';
import type { Digest } from '../../../src/diagnose/slow.js';
import {
  digestHash,
  fastestGrowing,
  selectNearMisses,
  weekOverWeek,
  type WeeklyDigest,
  weeklyCron,
} from '../../../src/diagnose/weekly-digest.js';
import { trend, weeklyDigestMessage } from '../../../src/slack/views/weekly-digest.js';

const digest = (text: string, calls: number, totalSeconds: number): Digest => ({
  schema: 'shop',
  digest: text,
  sample: null,
  calls,
  totalSeconds,
  meanSeconds: totalSeconds / calls,
  p95Seconds: null,
  rowsExamined: 0,
  rowsSent: 0,
});
const at = (iso: string) => new Date(`${iso}Z`);

describe('weekly digest: what it computes', () => {
  it('performance_schema totals: the week is the growth since the last snapshot; a reset counter counts whole', () => {
    const slow = digest('SELECT * FROM orders WHERE user_id = ?', 1500, 900);
    const reset = digest('UPDATE stock SET qty = ? WHERE sku = ?', 40, 20);
    const fresh = digest('DELETE FROM carts WHERE updated_at < ?', 10, 5);
    const previous = new Map([
      [digestHash(slow), { calls: 1000, totalSeconds: 600, weekSeconds: 100 }],
      [digestHash(reset), { calls: 90, totalSeconds: 80, weekSeconds: 50 }],
    ]);
    const week = weekOverWeek([slow, reset, fresh], 'performance_schema', previous);
    assert.deepEqual(
      week.map((s) => [s.calls, s.weekSeconds, s.lastWeekSeconds]),
      [
        [500, 300, 100],
        [40, 20, 50],
        [10, 5, null],
      ],
    );
  });

  it('the slow log window is the week itself', () => {
    const d = digest('SELECT 1', 3, 12);
    const week = weekOverWeek(
      [d],
      'slow_log',
      new Map([[digestHash(d), { calls: 2, totalSeconds: 4, weekSeconds: 4 }]]),
    );
    assert.deepEqual([week[0]?.calls, week[0]?.weekSeconds, week[0]?.lastWeekSeconds], [3, 12, 4]);
  });

  it('fastest-growing tables: growth over the window, growing ones only, biggest first, five at most', () => {
    const points = (from: number, to: number) => [
      { at: at('2026-11-25T09:00:00'), bytes: from },
      { at: at('2026-12-02T09:00:00'), bytes: to },
    ];
    const history = new Map([
      ['shop.orders', points(1_000, 9_000)],
      ['shop.logs', points(5_000, 4_000)],
      ['shop.users', points(100, 2_100)],
      ['shop.one_sample', [{ at: at('2026-12-01T00:00:00'), bytes: 50 }]],
      ...[1, 2, 3, 4].map((i): [string, ReturnType<typeof points>] => [`shop.t${i}`, points(0, i)]),
    ]);
    const grown = fastestGrowing(history);
    assert.deepEqual(
      grown.map((g) => [g.table, g.grewBytes]),
      [
        ['shop.orders', 8_000],
        ['shop.users', 2_000],
        ['shop.t4', 4],
        ['shop.t3', 3],
        ['shop.t2', 2],
      ],
    );
  });

  it('near misses listed: over a day, never fired; an open one nobody refreshed ended when last seen', () => {
    const now = at('2026-12-07T09:00:00');
    const row = (check: string, since: string, last: string, how: string | null, open: number | null) => ({
      cluster: 'prod',
      instance: 'db1:3306',
      check_id: check,
      since: at(since),
      last_seen: at(last),
      ended_how: how,
      is_open: open,
      peak_ratio: 0.9,
      peak_shown: '45',
      warning_shown: '50',
    });
    const listed = selectNearMisses(
      [
        row('threads-running', '2026-12-05T08:00:00', '2026-12-07T08:58:00', null, 1),
        row('connections', '2026-12-02T00:00:00', '2026-12-03T06:00:00', 'dropped', null),
        row('replica-lag', '2026-12-01T00:00:00', '2026-12-04T00:00:00', 'fired', null),
        row('history-list', '2026-12-06T12:00:00', '2026-12-07T08:59:00', null, 1),
        row('long-transactions', '2026-12-01T00:00:00', '2026-12-03T00:00:00', null, 1),
      ],
      now,
    );
    assert.deepEqual(
      listed.map((m) => [m.check, Math.round(m.hours), m.ongoing]),
      [
        ['Threads running', 49, true],
        ['Long transaction', 48, false],
        ['Connections', 30, false],
      ],
    );
  });

  it('the cron of monitors.weekly_digest: minute, hour and weekday', () => {
    assert.equal(weeklyCron(MonitorsSection.parse({}).weekly_digest), '0 9 * * 1');
    assert.equal(
      weeklyCron(MonitorsSection.parse({ weekly_digest: { day: 'sunday', at: '18:30' } }).weekly_digest),
      '30 18 * * 0',
    );
  });

  it('the config refuses a time that is not HH:MM and a zone that does not exist', () => {
    const bad = MonitorsSection.safeParse({ weekly_digest: { at: '9am', timezone: 'Mars/Olympus' } });
    assert.equal(bad.success, false);
    const paths = bad.success ? [] : bad.error.issues.map((i) => i.path.join('.'));
    assert.deepEqual(paths.sort(), ['weekly_digest.at', 'weekly_digest.timezone']);
  });
});

describe('weekly digest: the message', () => {
  const base: WeeklyDigest = {
    from: at('2026-11-30T09:00:00'),
    to: at('2026-12-07T09:00:00'),
    clusters: [
      {
        cluster: 'prod',
        slow: {
          ok: true,
          source: 'performance_schema',
          statements: [
            {
              schema: 'shop',
              digest: 'SELECT * FROM orders WHERE user_id = ?',
              calls: 500,
              weekSeconds: 300,
              lastWeekSeconds: 100,
            },
          ],
        },
        growth: [{ table: 'shop.orders', grewBytes: 2 * 1024 ** 3, bytes: 40 * 1024 ** 3 }],
        nearMisses: [
          {
            instance: 'db1:3306',
            check: 'Threads running',
            hours: 49,
            peakShown: '45',
            warningShown: '50',
            ongoing: true,
          },
        ],
      },
      { cluster: 'test', slow: { ok: false, why: 'no statement digests' }, growth: [], nearMisses: [] },
    ],
    failedTickets: [
      { id: 42, kind: 'execute', cluster: 'prod', requester: 'U0DEV0001', at: at('2026-12-03T10:00:00') },
    ],
    backups: null,
  };

  it('says per cluster what took time, what grew and what nearly fired, then the failures', () => {
    const message = weeklyDigestMessage(base);
    const text = JSON.stringify(message.blocks);
    assert.match(message.text, /Weekly digest 2026-11-30 – 2026-12-07/);
    assert.match(text, /\*3\.0×\* last week/);
    assert.match(text, /500 calls/);
    assert.match(text, /shop\.orders/);
    assert.match(text, /Threads running on db1:3306 for 2 days, still: up to 45 \(warning at 50\)/);
    assert.match(text, /no statement digests/);
    assert.match(text, /T-42 execute on prod by <@U0DEV0001>/);
    assert.doesNotMatch(text, /Backups/, 'no backups section when dbops takes none');
    assert.ok(message.blocks.length <= 50);
  });

  it('many clusters stay within 50 blocks and say how many more', () => {
    const many = {
      ...base,
      clusters: Array.from({ length: 40 }, (_, i) => ({ ...base.clusters[1], cluster: `c${i}` })),
    };
    const message = weeklyDigestMessage(many as WeeklyDigest);
    assert.ok(message.blocks.length <= 50, `${message.blocks.length} blocks`);
    assert.match(JSON.stringify(message.blocks), /and 20 more clusters/);
  });

  it('trend words: new, multiples, percentages', () => {
    assert.equal(trend({ weekSeconds: 10, lastWeekSeconds: null }), "(not in last week's top)");
    assert.equal(trend({ weekSeconds: 10, lastWeekSeconds: 0 }), '(new)');
    assert.equal(trend({ weekSeconds: 25, lastWeekSeconds: 10 }), '(*2.5×* last week)');
    assert.equal(trend({ weekSeconds: 6, lastWeekSeconds: 10 }), '(-40 % on last week)');
    assert.equal(trend({ weekSeconds: 10, lastWeekSeconds: 10 }), '(same as last week)');
  });
});
