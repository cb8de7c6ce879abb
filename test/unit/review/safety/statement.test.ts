import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainRefusal } from '../../../../src/review/safety/statement.js';

/** What dbops may EXPLAIN before approval, and what it refuses (the reason must say why). */
describe('explainRefusal: what may be EXPLAINed before approval', () => {
  const allowed = [
    'SELECT * FROM orders WHERE id = 1',
    "SELECT * FROM `shop`.`orders` WHERE created_at >= NOW() - INTERVAL 30 DAY AND status IN (1, 2) AND note LIKE 'a%'",
    'SELECT * FROM t JOIN u ON t.a = u.a LEFT JOIN v USING (b) WHERE t.c BETWEEN 1 AND 5 ORDER BY t.a DESC LIMIT 10',
    'SELECT a, COUNT(*) FROM t GROUP BY a HAVING COUNT(*) > 1',
    "SELECT * FROM t WHERE CASE WHEN a > 0 THEN 1 ELSE 2 END = 1 AND DATE(d) = CURDATE() AND x = CAST('1' AS UNSIGNED)",
    "SELECT * FROM t WHERE a = CONCAT('x', UPPER(b)) AND c IS NOT NULL AND NOT d AND JSON_EXTRACT(j, '$.k') = 1",
    'SELECT ROW_NUMBER() OVER (ORDER BY a) FROM t',
    'SELECT * FROM t WHERE a = 1 UNION SELECT * FROM u WHERE b = 2',
    // Quotes hide what looks like code: the server reads a string here too (dbops pins its sql_mode).
    "SELECT * FROM t WHERE a = 'x\\' OR sleep(1) OR \\''",
    "SELECT * FROM t WHERE a = '-- not a comment; @not_a_var'",
  ];
  for (const sql of allowed) it(`allows: ${sql}`, () => assert.equal(explainRefusal(sql), null));

  const refused: Array<[string, RegExp]> = [
    // Error-based exfiltration (the first attack).
    [
      'SELECT 1 FROM orders WHERE (extractvalue(1,concat(0x7e,(select token from shop.secrets limit 1))))',
      /it calls `EXTRACTVALUE\(\)`, whose error message repeats its argument/,
    ],
    ["SELECT 1 FROM t WHERE updatexml(1, concat(0x7e, 'x'), 1)", /`UPDATEXML\(\)`/],
    // A derived table is materialised while the server plans: a stored function in it runs.
    ['SELECT * FROM orders WHERE id = (SELECT x FROM (SELECT evil() x) d)', /subquery.*it calls `evil\(\)`/],
    ['SELECT * FROM t WHERE a IN (SELECT a FROM u)', /it has a subquery/],
    ['SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u)', /it has a subquery/],
    ['SELECT * FROM t AS x, (SELECT 1) y', /it has a subquery/],
    ['WITH c AS (SELECT 1) SELECT * FROM c', /WITH clause/],
    ['SELECT * FROM orders WHERE id = evil()', /it calls `evil\(\)`, a function dbops cannot prove harmless/],
    ['SELECT * FROM orders WHERE id = shop.evil()', /it calls `shop\.evil\(\)`, a stored function/],
    ["SELECT * FROM t WHERE a = `concat`('a')", /it calls `concat\(\)`, a function dbops cannot prove harmless/],
    ["SELECT * FROM orders WHERE id = GET_LOCK('app_lock', 0)", /`GET_LOCK\(\)`, which takes a named lock/],
    ["SELECT * FROM t WHERE a = RELEASE_LOCK('app_lock')", /`RELEASE_LOCK\(\)`/],
    ['SELECT * FROM t WHERE a = SLEEP(1)', /`SLEEP\(\)`, which makes the server wait/],
    ['SELECT * FROM t WHERE a = BENCHMARK(1000000, MD5(1))', /`BENCHMARK\(\)`/],
    ["SELECT * FROM t WHERE a = LOAD_FILE('/etc/passwd')", /`LOAD_FILE\(\)`, which reads a file on the server/],
    ['SELECT * FROM t WHERE a = USER()', /`USER\(\)`, which reads the server's state/],
    ['SELECT NEXTVAL(s)', /`NEXTVAL\(\)`, which advances a sequence/],
    ['SELECT * FROM t WHERE a = @x', /the variable `@x`/],
    ['SELECT * FROM t WHERE a = @@version', /the variable `@@version`/],
    ['SELECT a INTO @x FROM t', /variable/],
    ["SELECT a FROM t INTO OUTFILE '/tmp/x'", /INTO/],
    ['SELECT * FROM orders FOR UPDATE', /locking read/],
    ['SELECT * FROM orders LOCK IN SHARE MODE', /locking read/],
    ["SELECT * FROM mysql.user WHERE User = 'root'", /system schema `mysql`/],
    // node-sql-parser takes `--x` for a comment; the server reads `- -x`, and runs the function.
    ['SELECT * FROM t WHERE a = 1 --sleep(1)', /comment/],
    ['SELECT * FROM t WHERE a = 1 /*!50000 AND sleep(1) */', /comment/],
    ['SELECT * FROM t WHERE a = 1 # x', /comment/],
    ['SELECT 1; SELECT 2', /more than one statement/],
    ['UPDATE t SET a = 1 WHERE id = 1', /only a SELECT/],
    ['ANALYZE SELECT 1', /cannot read it/],
  ];
  for (const [sql, why] of refused) it(`refuses: ${sql}`, () => assert.match(explainRefusal(sql) ?? '(allowed)', why));
});
