import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../../../src/review/classify.js';
import { firstWords, stripComments } from '../../../src/review/strip.js';
import type { StatementKind } from '../../../src/review/types.js';

const stripCases: Array<{ input: string; want: string }> = [
  { input: '  SELECT   1\n\t FROM  t  ', want: 'SELECT 1 FROM t' },
  { input: '-- hi\nDELETE FROM t', want: 'DELETE FROM t' },
  { input: '# hi\r\nDELETE FROM t # bye', want: 'DELETE FROM t' },
  { input: '/* x */ DROP TABLE t', want: 'DROP TABLE t' },
  { input: 'SELECT/* x */1', want: 'SELECT 1' },
  { input: 'SELECT 1--x', want: 'SELECT 1--x' },
  { input: 'SELECT 1 --\tx\n+ 2', want: 'SELECT 1 + 2' },
  { input: 'SELECT \'a  -- b /* c */  #d\', `x  y`, "p  q"', want: 'SELECT \'a  -- b /* c */  #d\', `x  y`, "p  q"' },
  { input: "SELECT 'it\\'s  ', 'it''s  '", want: "SELECT 'it\\'s  ', 'it''s  '" },
  { input: '/*!40101 SET NAMES utf8mb4 */', want: 'SET NAMES utf8mb4' },
  {
    input: '/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`%`*/ /*!50003 TRIGGER t1 */',
    want: 'CREATE DEFINER=`root`@`%` TRIGGER t1',
  },
  { input: 'CREATE TABLE t (a INT) /*M!100100 PAGE_CHECKSUM=1 */', want: 'CREATE TABLE t (a INT) PAGE_CHECKSUM=1' },
  { input: "/*! SELECT '*/' */", want: "SELECT '*/'" },
  { input: 'SELECT /*+ MAX_EXECUTION_TIME(10) */ 1', want: 'SELECT 1' },
  { input: '-- only\n/* comments */', want: '' },
  { input: "SELECT 'unterminated  ", want: "SELECT 'unterminated  " },
  { input: 'SELECT 1 /* unterminated', want: 'SELECT 1' },
];

const firstWordsCases: Array<{ input: string; n: number; want: string[] }> = [
  { input: 'create or replace view v', n: 3, want: ['CREATE', 'OR', 'REPLACE'] },
  { input: '(select 1)', n: 2, want: ['SELECT', '1'] },
  { input: "CREATE DEFINER='root'@'%' PROCEDURE p", n: 4, want: ['CREATE', 'DEFINER', 'PROCEDURE', 'P'] },
  { input: 'ALTER TABLE t', n: 10, want: ['ALTER', 'TABLE', 'T'] },
  { input: 'SELECT 1', n: 0, want: [] },
];

const kinds: Array<{ sql: string; want: StatementKind }> = [
  { sql: 'SELECT * FROM t', want: 'select' },
  { sql: '(SELECT 1) UNION (SELECT 2)', want: 'select' },
  { sql: 'WITH c AS (SELECT 1) SELECT * FROM c', want: 'select' },
  {
    sql: 'WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) SELECT * FROM c',
    want: 'select',
  },
  { sql: 'WITH c AS (SELECT id FROM t) UPDATE t JOIN c USING (id) SET a = 1', want: 'update' },
  { sql: 'WITH c AS (SELECT id FROM t) DELETE t FROM t JOIN c USING (id)', want: 'delete' },
  { sql: "SELECT * INTO OUTFILE '/tmp/x' FROM t", want: 'select' },
  { sql: 'TABLE t', want: 'select' },
  { sql: 'INSERT INTO t VALUES (1)', want: 'insert' },
  { sql: 'INSERT INTO t WITH c AS (SELECT 1) SELECT * FROM c', want: 'insert' },
  { sql: 'REPLACE INTO t VALUES (1)', want: 'replace' },
  { sql: 'update t set a = 1', want: 'update' },
  { sql: 'DELETE FROM t WHERE id = 1', want: 'delete' },
  { sql: 'TRUNCATE t', want: 'truncate' },
  { sql: 'TRUNCATE TABLE t', want: 'truncate' },
  { sql: 'CREATE TABLE t (id INT PRIMARY KEY)', want: 'create-table' },
  { sql: 'CREATE TEMPORARY TABLE t (id INT)', want: 'create-table' },
  { sql: 'CREATE OR REPLACE TABLE t (id INT)', want: 'create-table' },
  { sql: 'ALTER TABLE t ADD COLUMN a INT', want: 'alter-table' },
  { sql: 'ALTER ONLINE IGNORE TABLE t ADD UNIQUE (a)', want: 'alter-table' },
  { sql: 'ALTER DATABASE d CHARACTER SET utf8mb4', want: 'other' },
  { sql: 'DROP TABLE t', want: 'drop-table' },
  { sql: 'DROP TEMPORARY TABLE IF EXISTS t', want: 'drop-table' },
  { sql: 'RENAME TABLE a TO b', want: 'rename-table' },
  { sql: 'RENAME USER a TO b', want: 'other' },
  { sql: 'CREATE INDEX i ON t (a)', want: 'create-index' },
  { sql: 'CREATE UNIQUE INDEX i ON t (a)', want: 'create-index' },
  { sql: 'CREATE FULLTEXT INDEX i ON t (a)', want: 'create-index' },
  { sql: 'CREATE SPATIAL INDEX i ON t (g)', want: 'create-index' },
  { sql: 'DROP INDEX i ON t', want: 'drop-index' },
  { sql: 'CREATE DATABASE d', want: 'create-database' },
  { sql: 'CREATE SCHEMA IF NOT EXISTS d', want: 'create-database' },
  { sql: 'DROP DATABASE d', want: 'drop-database' },
  { sql: 'DROP SCHEMA d', want: 'drop-database' },
  { sql: 'CREATE VIEW v AS SELECT 1', want: 'create-view' },
  {
    sql: "CREATE OR REPLACE ALGORITHM = MERGE DEFINER = 'app'@'%' SQL SECURITY INVOKER VIEW v AS SELECT 1",
    want: 'create-view',
  },
  { sql: 'DROP VIEW v', want: 'drop-view' },
  {
    sql: 'CREATE DEFINER=`root`@`localhost` TRIGGER trg BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1',
    want: 'create-trigger',
  },
  { sql: 'CREATE DEFINER=user@localhost PROCEDURE p() SELECT 1', want: 'create-procedure' },
  { sql: 'CREATE DEFINER = CURRENT_USER() FUNCTION f() RETURNS INT RETURN 1', want: 'create-function' },
  { sql: "CREATE DEFINER=root@'10.0.0.%' EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t", want: 'create-event' },
  { sql: 'CREATE DEFINER=app@10.0.0.1 PROCEDURE p() SELECT 1', want: 'create-procedure' },
  { sql: 'CREATE AGGREGATE FUNCTION f RETURNS INTEGER SONAME "x.so"', want: 'create-function' },
  { sql: 'DROP PROCEDURE p', want: 'drop-other' },
  { sql: 'DROP USER u', want: 'drop-other' },
  { sql: 'DROP TRIGGER trg', want: 'drop-other' },
  { sql: "GRANT SELECT ON d.* TO 'u'@'%'", want: 'grant' },
  { sql: "REVOKE ALL ON *.* FROM 'u'@'%'", want: 'revoke' },
  { sql: "CREATE USER 'u'@'%' IDENTIFIED BY 'p'", want: 'create-user' },
  { sql: 'CREATE ROLE r', want: 'other' },
  { sql: 'START TRANSACTION', want: 'transaction' },
  { sql: 'BEGIN', want: 'transaction' },
  { sql: 'BEGIN WORK', want: 'transaction' },
  { sql: 'BEGIN NOT ATOMIC SELECT 1; END', want: 'other' },
  { sql: 'COMMIT', want: 'transaction' },
  { sql: 'ROLLBACK TO SAVEPOINT s', want: 'transaction' },
  { sql: 'SAVEPOINT s', want: 'transaction' },
  { sql: 'RELEASE SAVEPOINT s', want: 'transaction' },
  { sql: 'START REPLICA', want: 'other' },
  { sql: 'SET NAMES utf8mb4', want: 'set' },
  { sql: 'SET @@session.sql_mode = ""', want: 'set' },
  { sql: 'USE d', want: 'use' },
  { sql: 'SHOW CREATE TABLE t', want: 'show' },
  { sql: 'EXPLAIN SELECT 1', want: 'explain' },
  { sql: 'DESCRIBE t', want: 'explain' },
  { sql: 'DESC t', want: 'explain' },
  { sql: "LOAD DATA INFILE '/tmp/x' INTO TABLE t", want: 'load-data' },
  { sql: "LOAD DATA LOCAL INFILE 'x' INTO TABLE t", want: 'load-data' },
  { sql: 'LOAD INDEX INTO CACHE t', want: 'other' },
  { sql: 'CALL p(1)', want: 'call' },
  { sql: 'OPTIMIZE TABLE t', want: 'other' },
  { sql: 'LOCK TABLES t WRITE', want: 'other' },
  { sql: '', want: 'other' },
  { sql: "'just a string'", want: 'other' },
  // Comments are stripped first, so they do not hide the kind.
  { sql: '/* x */ DROP TABLE t', want: 'drop-table' },
  { sql: '-- hi\nDELETE FROM t', want: 'delete' },
  { sql: '# note\n/* a */ -- b\n  TRUNCATE t', want: 'truncate' },
  {
    sql: '/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`%`*/ /*!50003 TRIGGER t1 BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1 */',
    want: 'create-trigger',
  },
];

describe('stripComments', () => {
  for (const c of stripCases) {
    it(JSON.stringify(c.input), () => assert.equal(stripComments(c.input), c.want));
  }
});

describe('firstWords', () => {
  for (const c of firstWordsCases) {
    it(`${JSON.stringify(c.input)} (${c.n})`, () => assert.deepEqual(firstWords(c.input, c.n), c.want));
  }
});

describe('classify', () => {
  for (const c of kinds) {
    it(`${JSON.stringify(c.sql)} → ${c.want}`, () => assert.equal(classify(stripComments(c.sql)), c.want));
  }
});
