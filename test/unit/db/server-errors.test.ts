import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeServerError } from '../../../src/db/server-errors.js';

/** A mysql2 error as the driver builds it from a server's answer. */
function serverError(errno: number, code: string | undefined, sqlMessage: string): Error {
  return Object.assign(new Error(sqlMessage), { errno, code, sqlMessage, sqlState: 'HY000' });
}

describe("describeServerError: a server's error in dbops' words, never its text", () => {
  const cases: Array<[string, Error, string, string]> = [
    [
      'error-based exfiltration: the value in the message is dropped',
      serverError(1105, 'ER_UNKNOWN_ERROR', "XPATH syntax error: '~tok-SECRET-123'"),
      'SELECT 1 FROM t WHERE extractvalue(1, concat(0x7e, (SELECT token FROM secrets)))',
      'the server refused it (ER_UNKNOWN_ERROR)',
    ],
    [
      'an unknown column is named from the SQL',
      serverError(1054, 'ER_BAD_FIELD_ERROR', "Unknown column 'nope' in 'where clause'"),
      'SELECT * FROM t WHERE nope = 1',
      'unknown column `nope`',
    ],
    [
      'a name the SQL does not contain is not repeated',
      serverError(1054, 'ER_BAD_FIELD_ERROR', "Unknown column 'tok-SECRET-123' in 'where clause'"),
      'SELECT * FROM t WHERE a = 1',
      'a column it names does not exist',
    ],
    [
      'a missing table, named by its own name',
      serverError(1146, 'ER_NO_SUCH_TABLE', "Table 'shop.nosuch' doesn't exist"),
      'SELECT * FROM nosuch WHERE id = 1',
      'table `nosuch` does not exist',
    ],
    [
      'a syntax error is located in the SQL and quoted from it',
      serverError(
        1064,
        'ER_PARSE_ERROR',
        "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'WHER id = 1' at line 1",
      ),
      'SELECT * FROM t WHER id = 1',
      'syntax error near `WHER id = 1`',
    ],
    [
      'a syntax error whose quoted text is not in the SQL says only that',
      serverError(1064, 'ER_PARSE_ERROR', "… to use near '~tok-SECRET-123' at line 1"),
      'SELECT * FROM t WHER id = 1',
      'syntax error: the server cannot read it',
    ],
    [
      'no privilege',
      serverError(
        1142,
        'ER_TABLEACCESS_DENIED_ERROR',
        "SELECT command denied to user 'dbops'@'10.0.0.5' for table 'secrets'",
      ),
      'SELECT * FROM secrets',
      "no privilege: dbops' account on that server may not do this on `secrets`",
    ],
    [
      "MariaDB's statement time limit",
      serverError(1969, undefined, 'Query execution was interrupted (max_statement_time exceeded)'),
      'SELECT 1',
      'the server took too long, so dbops stopped it',
    ],
    [
      'a number of the message is kept, a name only when the SQL has it',
      serverError(
        1074,
        'ER_TOO_BIG_FIELDLENGTH',
        "Column length too big for column 'a' (max = 16383); use BLOB or TEXT instead",
      ),
      'CREATE TABLE big (id INT, a VARCHAR(20000))',
      'column `a` is too long (at most 16383 here): use BLOB or TEXT instead',
    ],
  ];
  for (const [name, err, sql, want] of cases) it(name, () => assert.equal(describeServerError(err, { sql }), want));

  it('describes a connection failure by its code, and an error of no server without its text', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:3306'), { code: 'ECONNREFUSED' });
    assert.equal(describeServerError(refused, { sql: '' }), 'the connection to the server failed (ECONNREFUSED)');
    assert.equal(
      describeServerError(new Error('anything at all'), { sql: '' }),
      "dbops could not read the server's answer",
    );
  });
});
