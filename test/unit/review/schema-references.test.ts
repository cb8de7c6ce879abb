import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { schemaReferences } from '../../../src/review/schema-references.js';

const names = (sql: string) => schemaReferences(sql).schemas.map((r) => `${r.statement}:${r.schema}`);

describe('schemas a batch of SQL names', () => {
  const cases: Array<[string, string, string[]]> = [
    ['an unqualified statement names none', 'UPDATE orders SET status = 1 WHERE id = 2', []],
    ['a qualified table', "UPDATE dbops.tickets SET state = 'approved' WHERE id = 1", ['1:dbops']],
    ['backticks and spaces around the dot', 'UPDATE `dbops` . `tickets` SET state = 1', ['1:dbops']],
    ['a double-quoted name (ANSI_QUOTES)', 'UPDATE "dbops".tickets SET state = 1', ['1:dbops']],
    ['USE, then unqualified statements', 'USE dbops; UPDATE tickets SET state = 1', ['1:dbops']],
    ['USE with backticks', 'USE `dbops`', ['1:dbops']],
    ['a schema inside a comment does not count', "UPDATE t SET a = 1 /* dbops.tickets */ WHERE b = 'x'", []],
    ['an executable comment is code', 'UPDATE /*!50000 dbops.*/tickets SET state = 1', ['1:dbops']],
    ['a string is not a name', "UPDATE t SET note = 'dbops.tickets'", []],
    ['a subquery in another schema', 'DELETE FROM t WHERE id IN (SELECT id FROM mysql.user)', ['1:mysql']],
    ['a join', 'UPDATE shop.a JOIN dbops.tickets t ON 1 = 1 SET t.state = 1', ['1:shop', '1:dbops', '1:t']],
    ['column qualifiers name the schema once', 'SELECT dbops.tickets.state FROM dbops.tickets', ['1:dbops']],
    ['a GRANT on a schema', "GRANT ALL ON dbops.* TO 'x'@'%'", ['1:dbops']],
    ['CREATE and DROP DATABASE', 'CREATE DATABASE IF NOT EXISTS dbops; DROP SCHEMA dbops', ['1:dbops', '2:dbops']],
    ['DATABASE() is a function', 'SELECT DATABASE(), SCHEMA()', []],
    ['a trigger body', 'CREATE TRIGGER x AFTER INSERT ON a FOR EACH ROW UPDATE sys.t SET b = 1', ['1:sys']],
    ['numbers are not names', 'UPDATE t SET a = 1.5, b = .5 WHERE c > 2.0', []],
    [
      'a sharded schema names every schema it runs on',
      'UPDATE dbops_{1..3}.t SET a = 1',
      ['1:dbops_1', '1:dbops_2', '1:dbops_3'],
    ],
    ['a backticked sharded schema too', 'UPDATE `log_{08..09}_v2`.t SET a = 1', ['1:log_08_v2', '1:log_09_v2']],
    ['USE of a sharded schema', 'USE shop_{0..1}', ['1:shop_0', '1:shop_1']],
    [
      'a name that looks like the placeholder is still itself',
      'UPDATE dbops_shard_pattern_0_.t JOIN s_{0..1}.u SET a = 1',
      ['1:dbops_shard_pattern_0_', '1:s_0', '1:s_1'],
    ],
  ];
  for (const [what, sql, expected] of cases) it(what, () => assert.deepEqual(names(sql), expected));

  it('statements that build SQL at run time are flagged: what they touch cannot be read', () => {
    assert.deepEqual(
      schemaReferences("SET @s = CONCAT('UPDATE db', 'ops.t SET a = 1'); PREPARE s FROM @s; EXECUTE s; SELECT 1")
        .dynamic,
      [2, 3],
    );
    assert.deepEqual(schemaReferences("EXECUTE IMMEDIATE 'UPDATE x.t SET a = 1'").dynamic, [1]);
    assert.deepEqual(
      schemaReferences('DELIMITER $$\nCREATE PROCEDURE p() BEGIN PREPARE s FROM @q; EXECUTE s; END$$\nDELIMITER ;')
        .dynamic,
      [1],
      'inside a routine body too',
    );
    assert.deepEqual(
      schemaReferences("GRANT EXECUTE ON PROCEDURE shop.p TO 'app'@'%'").dynamic,
      [],
      'EXECUTE as a privilege',
    );
    assert.deepEqual(
      schemaReferences('UPDATE jobs SET execute = 1, prepare = 2 WHERE id IN (SELECT execute FROM t)').dynamic,
      [],
      'columns named execute or prepare',
    );
  });
});
