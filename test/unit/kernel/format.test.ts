import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatBytes,
  formatCount,
  formatElapsed,
  formatPercent,
  formatRoughSeconds,
  formatSeconds,
  formatStatementTime,
  plural,
  pluralSuffix,
  sqlDateTime,
} from '../../../src/kernel/format.js';

const table = <I, O>(fn: (input: I) => O, cases: Array<[I, O]>) => {
  for (const [input, expected] of cases) assert.equal(fn(input), expected, String(input));
};

describe('kernel formatters', () => {
  it('sizes in powers of 1024, one decimal below 100', () => {
    table(formatBytes, [
      [0, '0 B'],
      [512, '512 B'],
      [1023, '1023 B'],
      [1024, '1.0 KB'],
      [5017, '4.9 KB'],
      [150 * 1024, '150 KB'],
      [340 * 1024 ** 2, '340 MB'],
      [1.25 * 1024 ** 3, '1.3 GB'],
      [2 * 1024 ** 5, '2.0 PB'],
      [3 * 1024 ** 6, '3072 PB'],
      [-2048, '-2.0 KB'],
    ]);
  });

  it('counts with separators, and nouns that agree with them', () => {
    table(formatCount, [
      [0, '0'],
      [1234567, '1,234,567'],
      [2.6, '3'],
    ]);
    assert.equal(plural(1, 'row'), '1 row');
    assert.equal(plural(0, 'row'), '0 rows');
    assert.equal(plural(1204, 'statement'), '1,204 statements');
    assert.equal(`2 warning${pluralSuffix(2)}, 1 error${pluralSuffix(1)}`, '2 warnings, 1 error');
  });

  it('percentages: one decimal below 10', () => {
    table(formatPercent, [
      [7.46, '7.5 %'],
      [42.4, '42 %'],
    ]);
  });

  it('durations, each in the shape its readers expect', () => {
    table(formatSeconds, [
      [-3, '0 s'],
      [45, '45 s'],
      [119, '119 s'],
      [120, '2 min'],
      [125, '2 min 5 s'],
      [7200, '2 h'],
      [3 * 3600 + 600, '3 h 10 min'],
      [50 * 3600, '2 d 2 h'],
      [72 * 3600, '3 d'],
    ]);
    table(formatRoughSeconds, [
      [40, '40 s'],
      [720, '12 min'],
      [5400, '1.5 h'],
    ]);
    table(formatStatementTime, [
      [null, ''],
      [250, '0.25 s'],
      [12_345, '12.3 s'],
      [125_000, '2 min 5 s'],
    ]);
    table(formatElapsed, [
      [-5, '0s'],
      [800, '0.8s'],
      [2000, '2s'],
      [12_000, '12s'],
      [182_000, '3m 02s'],
      [3_840_000, '1h 04m'],
    ]);
  });

  it('instants as MySQL DATETIME(3) text in UTC', () => {
    assert.equal(sqlDateTime(new Date('2026-11-24T01:00:00.123Z')), '2026-11-24 01:00:00.123');
  });
});
