import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusinessHours, DbopsConfig } from '../../../src/config/schema.js';
import { dueStep } from '../../../src/tickets/approval-timers.js';
import { businessSeconds } from '../../../src/tickets/business-hours.js';

const WEEKDAYS_9_TO_6 = BusinessHours.parse({});
const MIN = 60;
const HOUR = 3600;

describe('business hours', () => {
  const cases: Array<[string, string, string, string, number]> = [
    ['inside one day', '2026-12-09T10:00:00Z', '2026-12-09T10:30:00Z', 'UTC', 30 * MIN],
    ['before opening counts nothing', '2026-12-09T06:00:00Z', '2026-12-09T08:59:00Z', 'UTC', 0],
    ['across the night', '2026-12-09T17:00:00Z', '2026-12-10T10:00:00Z', 'UTC', 2 * HOUR],
    ['over a weekend: Friday 17:50 to Monday 09:20', '2026-12-11T17:50:00Z', '2026-12-14T09:20:00Z', 'UTC', 30 * MIN],
    [
      'the cluster’s zone: 01:00 UTC is 09:00 in Shanghai',
      '2026-12-09T01:00:00Z',
      '2026-12-09T02:30:00Z',
      'Asia/Shanghai',
      90 * 60,
    ],
    ['a whole week is five days of nine hours', '2026-12-07T00:00:00Z', '2026-12-14T00:00:00Z', 'UTC', 45 * HOUR],
    ['backwards is zero', '2026-12-09T12:00:00Z', '2026-12-09T11:00:00Z', 'UTC', 0],
  ];
  for (const [name, from, to, zone, expected] of cases)
    it(name, () => assert.equal(businessSeconds(new Date(from), new Date(to), zone, WEEKDAYS_9_TO_6), expected));

  it('a DST day counts its clocks’ hours (Berlin, 2026-03-29: 00:00-23:59 local is 22 h 59 min)', () => {
    const sunday = BusinessHours.parse({ days: ['sunday'], hours: '00:00-23:59' });
    const seconds = businessSeconds(
      new Date('2026-03-28T12:00:00Z'),
      new Date('2026-03-30T12:00:00Z'),
      'Europe/Berlin',
      sunday,
    );
    assert.equal(seconds, 22 * HOUR + 59 * MIN);
  });
});

describe('what an approval timer does next', () => {
  const policy = { remind_after: 30 * MIN, expire_after: 7 * 86_400 };
  const base = {
    wallSeconds: 0,
    businessSeconds: 0,
    reminded: false,
    escalated: false,
    policy,
    escalationChannel: 'C1',
  };
  const cases: Array<[string, Partial<typeof base>, ReturnType<typeof dueStep>]> = [
    ['nothing before remind_after', { businessSeconds: 29 * MIN, wallSeconds: 29 * MIN }, null],
    ['a reminder at remind_after of business time', { businessSeconds: 30 * MIN }, 'remind'],
    ['no second reminder', { businessSeconds: 45 * MIN, reminded: true }, null],
    ['escalation at twice remind_after', { businessSeconds: 60 * MIN, reminded: true }, 'escalate'],
    [
      'no escalation without a channel',
      { businessSeconds: 60 * MIN, reminded: true, escalationChannel: undefined },
      null,
    ],
    ['escalation only after the reminder', { businessSeconds: 60 * MIN }, 'remind'],
    ['escalated once', { businessSeconds: 600 * MIN, reminded: true, escalated: true }, null],
    ['expiry by the wall clock wins over all', { wallSeconds: 7 * 86_400, businessSeconds: 0 }, 'expire'],
  ];
  for (const [name, input, expected] of cases) it(name, () => assert.equal(dueStep({ ...base, ...input }), expected));
});

describe('policy and slack config of the timers', () => {
  const minimal = {
    slack: { approval_channel: 'C0APPROVALS', alert_channel: 'C0ALERTS' },
    clusters: { prod: { env: 'prod', primary: { host: 'db' }, user: 'dbops' } },
  };
  it('defaults: a reminder after 30 min, expiry after 7 days, Mon–Fri 09:00-18:00, no escalation', () => {
    const config = DbopsConfig.parse(minimal);
    assert.equal(config.policy.remind_after, 30 * MIN);
    assert.equal(config.policy.expire_after, 7 * 86_400);
    assert.deepEqual(config.policy.business_hours, {
      days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      hours: '09:00-18:00',
    });
    assert.equal(config.slack.escalation_channel, undefined);
  });
  it('reads durations with units, days and a window, and refuses what it cannot read by path', () => {
    const config = DbopsConfig.parse({
      ...minimal,
      slack: { ...minimal.slack, escalation_channel: 'C0ESCALATE' },
      policy: { remind_after: '1h', expire_after: '2d', business_hours: { days: ['saturday'], hours: '10:00-14:00' } },
    });
    assert.equal(config.policy.remind_after, HOUR);
    assert.equal(config.policy.expire_after, 2 * 86_400);
    assert.equal(config.slack.escalation_channel, 'C0ESCALATE');
    const bad = DbopsConfig.safeParse({
      ...minimal,
      policy: { remind_after: '30', business_hours: { days: ['someday'], hours: '18:00-09:00' } },
    });
    assert.ok(!bad.success);
    const paths = bad.error.issues.map((i) => i.path.join('.'));
    assert.ok(paths.includes('policy.remind_after'), paths.join(', '));
    assert.ok(paths.includes('policy.business_hours.days.0'), paths.join(', '));
    assert.ok(paths.includes('policy.business_hours.hours'), paths.join(', '));
  });
});
