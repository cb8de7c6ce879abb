import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCondition, conditionProblems, parseCondition } from '../../../src/migrate/condition.js';

describe('where conditions: the text as a whole', () => {
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

/** From the parse tree alone, never a server: columns of the table, literals, operators, harmless functions. */
describe('where conditions: what they may use', () => {
  const table = { name: 'orders', schema: 'shop', columns: ['id', 'status', 'created_at', 'note', 'Total'] };
  const problems = (text: string): string[] => {
    const parsed = parseCondition(text);
    if (!parsed.ok) return [`unreadable: ${parsed.problem}`];
    return conditionProblems(parsed.expression, table).map((r) => r.reason);
  };

  const allowed = [
    "created_at >= '2025-01-01'",
    'created_at >= NOW() - INTERVAL 30 DAY',
    "status IN (1, 2) AND (id > 100 OR note IS NULL) AND NOT note LIKE 'x%'",
    'id BETWEEN 1 AND 1000',
    "DATE(created_at) = CURDATE() AND YEAR(created_at) > 2020 AND note = CONCAT('a', UPPER(note))",
    "CASE WHEN status = 1 THEN id ELSE 0 END > 5 AND COALESCE(note, '') <> ''",
    'orders.id > 3 AND shop.orders.status = 1',
    'total > 10',
    'id % 2 = 0',
    "note REGEXP '^a'",
  ];
  for (const text of allowed) it(`allows: ${text}`, () => assert.deepEqual(problems(text), []));

  const refused: Array<[string, RegExp]> = [
    ['extractvalue(1,concat(0x7e,(select token from shop.secrets limit 1)))', /EXTRACTVALUE.*repeats its argument/],
    ['extractvalue(1,concat(0x7e,(select token from shop.secrets limit 1)))', /subquery/],
    ["updatexml(1, concat(0x7e, load_file('/etc/passwd')), 1)", /LOAD_FILE\(\)`, which reads a file/],
    ['id = (SELECT x FROM (SELECT evil() x) d)', /it calls `evil\(\)`/],
    ['id = shop.evil()', /`shop\.evil\(\)`, a stored function/],
    ["id = GET_LOCK('app_lock', 0)", /named lock/],
    ['id > SLEEP(1)', /makes the server wait/],
    ['id = @x', /variable `@x`/],
    ['id = @@server_id', /variable `@@server_id`/],
    ['nope = 1', /`orders` has no column `nope`/],
    ['items.id = 1', /only columns of the copied table/],
    ['COUNT(*) > 1', /aggregate/],
    ['ROW_NUMBER() OVER () > 1', /window function/],
    ['id = USER()', /server's state/],
    ['id IN (SELECT id FROM items)', /subquery/],
    ['status <=> NULL', /unreadable: dbops cannot read it/],
  ];
  for (const [text, why] of refused)
    it(`refuses: ${text} (${why.source})`, () => assert.match(problems(text).join(' | '), why));
});
