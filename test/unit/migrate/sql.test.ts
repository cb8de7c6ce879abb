import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRange, keyLiteral, rangeCondition, type KeyColumn } from '../../../src/migrate/sql.js';

const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');
const id: KeyColumn = { name: 'id', kind: 'number' };
const name: KeyColumn = { name: 'name', kind: 'string', charset: 'utf8mb4', collation: 'utf8mb4_general_ci' };
const at: KeyColumn = { name: 'at', kind: 'temporal' };
const raw: KeyColumn = { name: 'raw', kind: 'binary' };

describe('key ranges', () => {
  it('cuts a one-column key into (lo, hi]', () => {
    assert.equal(rangeCondition([id], { lo: null, hi: null }), '1');
    assert.equal(rangeCondition([id], { lo: [hex('10')], hi: null }), '`id` > 10');
    assert.equal(rangeCondition([id], { lo: [hex('10')], hi: [hex('20')] }), '`id` > 10 AND `id` <= 20');
  });

  it('expands a composite key so the range optimizer can use the index', () => {
    assert.equal(
      rangeCondition([id, at], { lo: [hex('1'), hex('2024-01-01 00:00:00')], hi: null }),
      "(`id` > 1 OR (`id` = 1 AND `at` > '2024-01-01 00:00:00'))",
    );
    assert.equal(
      rangeCondition([id, at], { lo: null, hi: [hex('5'), hex('2024-01-02 00:00:00')] }),
      "(`id` < 5 OR (`id` = 5 AND `at` <= '2024-01-02 00:00:00'))",
    );
  });

  it('compares strings in the column collation, and binary keys by bytes', () => {
    assert.equal(keyLiteral(name, hex("O'Brien")), `_utf8mb4 X'${hex("O'Brien")}' COLLATE utf8mb4_general_ci`);
    assert.equal(keyLiteral(raw, '00ff'), "X'00ff'");
  });

  it('refuses key values that are not what their type allows (nothing is pasted into SQL unchecked)', () => {
    assert.throws(() => keyLiteral(id, hex('1 OR 1=1')));
    assert.throws(() => keyLiteral(at, hex("2024' OR '1")));
    assert.throws(() => keyLiteral({ ...name, collation: 'x; DROP' }, hex('a')));
  });

  it('describes a range for messages', () => {
    assert.equal(describeRange([id], { lo: [hex('100')], hi: [hex('200')] }), 'id in (100, 200]');
    assert.equal(describeRange([id, name], { lo: [hex('1'), hex('x')], hi: null }), "(id, name) in ((1, 'x'), +∞)");
    assert.equal(describeRange([], { lo: null, hi: null }), 'the whole table');
  });
});
