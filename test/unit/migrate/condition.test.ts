import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCondition } from '../../../src/migrate/condition.js';

describe('where conditions', () => {
  const fine = [
    "created_at >= '2025-01-01'",
    'status IN (1, 2) AND (a > 0 OR b IS NULL)',
    "note = 'it''s; fine -- really'",
    'name = "a)b"',
    '`odd;name` = 1',
    "x = 'back\\'slash'",
  ];
  for (const text of fine) it(`accepts: ${text}`, () => assert.equal(checkCondition(text), null));

  const refused: Array<[string, RegExp]> = [
    ['', /empty/],
    ['1 = 1; DROP TABLE orders', /;/],
    ['1 = 1) UNION SELECT 1 FROM mysql.user WHERE (1', /without its `\(`/],
    ['id = 1 -- ', /comment/],
    ['id = 1 # x', /comment/],
    ['id = 1 /* x */', /comment/],
    ['(id = 1', /without its `\)`/],
    ["name = 'open", /unclosed/],
  ];
  for (const [text, why] of refused)
    it(`refuses: ${text || '(empty)'}`, () => assert.match(checkCondition(text) ?? '', why));
});
