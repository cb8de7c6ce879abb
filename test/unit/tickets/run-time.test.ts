import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatInZone,
  nextAllowedTime,
  parseRunTime,
  peakWindowAt,
  startTime,
  type ClusterHours,
} from '../../../src/tickets/run-time.js';

const SHANGHAI: ClusterHours = { timezone: 'Asia/Shanghai', peak_hours: [] };
/** 2026-11-24 11:00 in Shanghai (UTC+8). */
const NOW = new Date('2026-11-24T03:00:00Z');

describe('run-time phrases, read in the cluster zone', () => {
  const accepted: Array<[string | undefined, string | null]> = [
    [undefined, null],
    ['', null],
    ['now', null],
    ['  NOW ', null],
    ['asap', null],
    ['tonight', '2026-11-24T18:00:00.000Z'], // 02:00 next night in Shanghai
    ['at 02:00', '2026-11-24T18:00:00.000Z'],
    ['at 2:00', '2026-11-24T18:00:00.000Z'],
    ['at 23:30', '2026-11-24T15:30:00.000Z'], // later today
    ['23:30', '2026-11-24T15:30:00.000Z'],
    ['at 11:00', '2026-11-24T03:00:00.000Z'], // the current minute still counts as today
    ['at 10:59', '2026-11-25T02:59:00.000Z'], // already passed today: tomorrow
    ['tomorrow 9:05', '2026-11-25T01:05:00.000Z'],
    ['at 2026-11-25 01:30', '2026-11-24T17:30:00.000Z'],
    ['At 2026-11-25T01:30', '2026-11-24T17:30:00.000Z'],
  ];
  for (const [phrase, iso] of accepted) {
    it(`${JSON.stringify(phrase)} → ${iso ?? 'as soon as approved'}`, () => {
      const result = parseRunTime(phrase, SHANGHAI, NOW);
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.runAt?.toISOString() ?? null, iso);
    });
  }

  it('tonight just after midnight is the coming 02:00, not the next day', () => {
    const result = parseRunTime('tonight', SHANGHAI, new Date('2026-11-23T16:30:00Z')); // 00:30 local
    assert.ok(result.ok);
    assert.equal(result.runAt?.toISOString(), '2026-11-23T18:00:00.000Z');
  });

  it('the same words mean different instants in different zones', () => {
    const utc = parseRunTime('at 2026-11-25 01:30', { timezone: 'UTC', peak_hours: [] }, NOW);
    assert.ok(utc.ok);
    assert.equal(utc.runAt?.toISOString(), '2026-11-25T01:30:00.000Z');
    assert.equal(utc.label, '2026-11-25 01:30 UTC');
  });

  const refused: Array<[string, string, RegExp]> = [
    ['at 2026-11-20 01:30', 'in_past', /is in the past \(it is now 2026-11-24 11:00 Asia\/Shanghai\)/],
    ['at 25:00', 'unreadable', /can't read "at 25:00" as a run time.*Asia\/Shanghai/],
    ['later', 'unreadable', /Say now, tonight, at 02:00/],
    ['at 2026-02-30 01:00', 'no_such_time', /2026-02-30 01:00 does not exist in Asia\/Shanghai/],
  ];
  for (const [phrase, code, message] of refused) {
    it(`refuses ${JSON.stringify(phrase)} (${code}) and says why`, () => {
      const result = parseRunTime(phrase, SHANGHAI, NOW);
      assert.ok(!result.ok && result.code === code, JSON.stringify(result));
      assert.match(result.message, message);
    });
  }

  it('refuses the hour a daylight-saving change skips', () => {
    const result = parseRunTime(
      'at 2026-03-08 02:30',
      { timezone: 'America/New_York', peak_hours: [] },
      new Date('2026-03-01T00:00:00Z'),
    );
    assert.ok(!result.ok && result.code === 'no_such_time', JSON.stringify(result));
  });
});

describe('peak hours', () => {
  const PROD: ClusterHours = { timezone: 'Asia/Shanghai', peak_hours: ['09:00-12:00', '14:00-18:00'] };

  it('refuses a time inside a window and names the next allowed time', () => {
    const result = parseRunTime('at 2026-11-25 10:00', PROD, NOW);
    assert.ok(!result.ok && result.code === 'peak_hours', JSON.stringify(result));
    assert.equal(result.nextAllowed?.toISOString(), '2026-11-25T04:00:00.000Z'); // 12:00 local
    assert.match(
      result.message,
      /inside the peak hours 09:00-12:00 \(Asia\/Shanghai\).*next allowed time is 2026-11-25 12:00 Asia\/Shanghai/,
    );
  });

  it('windows are [start, end): the end minute is allowed, the start minute is not', () => {
    assert.ok(parseRunTime('at 2026-11-25 12:00', PROD, NOW).ok);
    assert.ok(parseRunTime('at 2026-11-25 08:59', PROD, NOW).ok);
    assert.equal(parseRunTime('at 2026-11-25 09:00', PROD, NOW).ok, false);
  });

  it('hops over adjoining windows', () => {
    const hours: ClusterHours = { timezone: 'UTC', peak_hours: ['09:00-12:00', '12:00-13:00'] };
    assert.equal(nextAllowedTime(new Date('2026-11-25T10:00:00Z'), hours).toISOString(), '2026-11-25T13:00:00.000Z');
  });

  it('a window may cross midnight', () => {
    const hours: ClusterHours = { timezone: 'UTC', peak_hours: ['22:00-02:00'] };
    assert.equal(peakWindowAt(new Date('2026-11-25T01:00:00Z'), hours)?.end.toISOString(), '2026-11-25T02:00:00.000Z');
    assert.equal(peakWindowAt(new Date('2026-11-25T23:00:00Z'), hours)?.end.toISOString(), '2026-11-26T02:00:00.000Z');
    assert.equal(peakWindowAt(new Date('2026-11-25T02:00:00Z'), hours), null);
    assert.ok(parseRunTime('tonight', hours, new Date('2026-11-25T12:00:00Z')).ok, 'tonight (02:00) is just outside');
  });

  it('a job asked for now waits for the window to close; a passed time starts now', () => {
    const during = new Date('2026-11-24T03:00:00Z'); // 11:00 local, inside 09:00-12:00
    assert.equal(startTime(null, during, PROD).toISOString(), '2026-11-24T04:00:00.000Z');
    const quiet = new Date('2026-11-24T05:00:00Z'); // 13:00 local
    assert.equal(startTime(null, quiet, PROD).toISOString(), quiet.toISOString());
    assert.equal(startTime(new Date('2026-11-24T04:30:00Z'), quiet, PROD).toISOString(), quiet.toISOString());
    const later = new Date('2026-11-24T18:00:00Z');
    assert.equal(startTime(later, quiet, PROD).toISOString(), later.toISOString());
  });
});

describe('formatInZone', () => {
  it('shows the time in the zone, with the date unless it is today there', () => {
    const at = new Date('2026-11-24T02:02:00Z');
    assert.equal(formatInZone(at, 'Asia/Shanghai'), '2026-11-24 10:02 Asia/Shanghai');
    assert.equal(formatInZone(at, 'Asia/Shanghai', NOW), '10:02 Asia/Shanghai');
    assert.equal(
      formatInZone(at, 'America/New_York', NOW),
      '21:02 America/New_York',
      'NOW is 2026-11-23 22:00 in New York',
    );
    assert.equal(
      formatInZone(at, 'America/New_York', new Date('2026-11-24T12:00:00Z')),
      '2026-11-23 21:02 America/New_York',
    );
  });
});
