import assert from 'node:assert/strict';
import { it } from 'node:test';
import { gtidBehind, gtidBeyond, gtidCovers, parseGtidPos } from '../../../src/ha/gtid.js';

it('parses MariaDB GTID positions by domain, skipping junk', () => {
  assert.deepEqual(
    [...parseGtidPos('0-1-100, 1-2-5,junk')],
    [
      [0, { server: 1, seq: 100 }],
      [1, { server: 2, seq: 5 }],
    ],
  );
  assert.equal(parseGtidPos('').size, 0);
});

it('covers, behind: per domain', () => {
  assert.ok(gtidCovers('0-1-100,1-2-5', '0-1-100'));
  assert.ok(!gtidCovers('0-1-99', '0-1-100'));
  assert.ok(!gtidCovers('0-1-100', '0-1-100,1-2-1'));
  assert.equal(gtidBehind('0-1-90', '0-1-100,1-2-3'), 13);
  assert.equal(gtidBehind('0-1-100', '0-1-100'), 0);
});

it('errant transactions: another server’s at or beyond the primary, or an unknown domain; not the primary read a moment earlier', () => {
  assert.deepEqual(gtidBeyond('0-1-105', '0-1-100'), [], 'the primary’s own, read later');
  assert.deepEqual(gtidBeyond('0-3-101', '0-1-100'), ['domain 0 at 0-3-101, the primary at 0-1-100']);
  assert.deepEqual(gtidBeyond('0-1-100,7-3-1', '0-1-100'), ['domain 7 at 7-3-1, which the primary has never written']);
  assert.deepEqual(gtidBeyond('0-3-50', '0-1-100'), [], 'an old write of a former primary, long replicated past');
});
