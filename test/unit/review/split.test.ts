import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitStatements } from '../../../src/review/split.js';
import type { SplitStatement } from '../../../src/review/types.js';

/** Every statement's text must be found at its offset, and its line/column must match the offset. */
function assertConsistent(input: string, statements: SplitStatement[]): void {
  for (const s of statements) {
    assert.equal(input.slice(s.offset, s.offset + s.text.length), s.text);
    const before = input.slice(0, s.offset).split('\n');
    assert.equal(s.line, before.length, `line of ${JSON.stringify(s.text)}`);
    assert.equal(s.column, before[before.length - 1].length + 1, `column of ${JSON.stringify(s.text)}`);
  }
}

const texts: Array<{ name: string; input: string; want: string[] }> = [
  { name: 'two statements', input: 'SELECT 1; SELECT 2;', want: ['SELECT 1', 'SELECT 2'] },
  { name: 'trailing statement without delimiter', input: 'SELECT 1;\nSELECT 2', want: ['SELECT 1', 'SELECT 2'] },
  { name: 'empty statements dropped', input: ';;  ;\n;SELECT 1;;', want: ['SELECT 1'] },
  { name: 'empty input', input: '', want: [] },
  { name: 'whitespace only', input: ' \n\t\r\n ', want: [] },
  { name: 'semicolon in single quotes', input: "SELECT 'a;b'; SELECT 2", want: ["SELECT 'a;b'", 'SELECT 2'] },
  { name: 'semicolon in double quotes', input: 'SELECT "a;b"; SELECT 2', want: ['SELECT "a;b"', 'SELECT 2'] },
  { name: 'semicolon in backticks', input: 'SELECT `a;b` FROM t; SELECT 2', want: ['SELECT `a;b` FROM t', 'SELECT 2'] },
  { name: 'doubled backtick', input: 'SELECT `a``;b`; SELECT 2', want: ['SELECT `a``;b`', 'SELECT 2'] },
  {
    name: 'backslash does not escape in backticks',
    input: 'SELECT `a\\`; SELECT 2',
    want: ['SELECT `a\\`', 'SELECT 2'],
  },
  { name: 'backslash-escaped quote', input: "SELECT 'it\\'s;'; SELECT 2", want: ["SELECT 'it\\'s;'", 'SELECT 2'] },
  { name: 'doubled quote', input: "SELECT 'it''s;'; SELECT 2", want: ["SELECT 'it''s;'", 'SELECT 2'] },
  { name: 'escaped backslash before quote', input: "SELECT 'a\\\\'; SELECT 2", want: ["SELECT 'a\\\\'", 'SELECT 2'] },
  { name: 'doubled double quote', input: 'SELECT "say ""hi;"""; SELECT 2', want: ['SELECT "say ""hi;"""', 'SELECT 2'] },
  {
    name: 'semicolon in -- comment',
    input: 'SELECT 1 -- a;b\n, 2; SELECT 3',
    want: ['SELECT 1 -- a;b\n, 2', 'SELECT 3'],
  },
  { name: '--x is not a comment', input: 'SELECT 1--x;\nSELECT 2', want: ['SELECT 1--x', 'SELECT 2'] },
  { name: '-- with tab is a comment', input: 'SELECT 1 --\t;\n;', want: ['SELECT 1 --\t;'] },
  { name: '-- at end of line is a comment', input: 'SELECT 1 --\n;', want: ['SELECT 1 --'] },
  { name: '# comment', input: 'SELECT 1 # a;b\n; SELECT 2', want: ['SELECT 1 # a;b', 'SELECT 2'] },
  { name: 'block comment', input: 'SELECT /* a;b */ 1; SELECT 2', want: ['SELECT /* a;b */ 1', 'SELECT 2'] },
  {
    name: 'quote inside comment',
    input: "SELECT 1 /* it's */; SELECT 2 -- don't\n;",
    want: ["SELECT 1 /* it's */", "SELECT 2 -- don't"],
  },
  {
    name: 'comment markers inside a string',
    input: "SELECT '-- x', '/* y', '# z'; SELECT 2",
    want: ["SELECT '-- x', '/* y', '# z'", 'SELECT 2'],
  },
  { name: 'only comments', input: '-- hello\n/* a; b */ # c\n', want: [] },
  {
    name: 'comment-only statement between delimiters',
    input: 'SELECT 1;\n/* nothing */;\nSELECT 2;',
    want: ['SELECT 1', 'SELECT 2'],
  },
  {
    name: 'executable comment is code',
    input: '/*!40101 SET NAMES utf8mb4 */;\n/*M!100100 SET x = 1 */;\n/* plain */;',
    want: ['/*!40101 SET NAMES utf8mb4 */', '/*M!100100 SET x = 1 */'],
  },
  {
    name: 'delimiter inside an executable comment does not split',
    input:
      "/*!50003 CREATE TRIGGER t1 BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = '*/;'; SET NEW.b = 2; END */; SELECT 1",
    want: [
      "/*!50003 CREATE TRIGGER t1 BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = '*/;'; SET NEW.b = 2; END */",
      'SELECT 1',
    ],
  },
  {
    name: 'leading comment belongs to the statement',
    input: 'SELECT 1;\n-- drop it\nDROP TABLE t;',
    want: ['SELECT 1', '-- drop it\nDROP TABLE t'],
  },
  {
    name: 'comment on the delimiter line trails the previous statement',
    input: 'SELECT 1; -- first\nSELECT 2; /* second */\n\nSELECT 3;',
    want: ['SELECT 1', 'SELECT 2', 'SELECT 3'],
  },
  {
    name: 'comment before code on the same line leads it',
    input: 'SELECT 1; /* next */ SELECT 2',
    want: ['SELECT 1', '/* next */ SELECT 2'],
  },
  {
    name: 'unterminated string',
    input: "SELECT 1; SELECT 'abc; SELECT 3;",
    want: ['SELECT 1', "SELECT 'abc; SELECT 3;"],
  },
  { name: 'unterminated backtick', input: 'SELECT `abc; x', want: ['SELECT `abc; x'] },
  { name: 'unterminated block comment', input: 'SELECT 1 /* abc; x', want: ['SELECT 1 /* abc; x'] },
  { name: 'string with trailing backslash at end', input: "SELECT 'a\\", want: ["SELECT 'a\\"] },
  { name: 'CRLF', input: 'SELECT 1;\r\nSELECT 2 -- c\r\n;\r\n', want: ['SELECT 1', 'SELECT 2 -- c'] },
  {
    name: 'DELIMITER word mid-statement is not a command',
    input: 'SELECT a,\ndelimiter FROM t;',
    want: ['SELECT a,\ndelimiter FROM t'],
  },
  {
    name: 'DELIMITER without argument is ignored',
    input: 'DELIMITER\nSELECT 1; SELECT 2;',
    want: ['SELECT 1', 'SELECT 2'],
  },
  {
    name: 'quoted DELIMITER argument',
    input: "DELIMITER '//'\nSELECT 1; SELECT 2//\nDELIMITER ;\nSELECT 3;",
    want: ['SELECT 1; SELECT 2', 'SELECT 3'],
  },
];

const procedure = `CREATE PROCEDURE p(IN n INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < n DO
    INSERT INTO t VALUES (i, 'a;b');
    SET i = i + 1;
  END WHILE;
END`;
const trigger = `CREATE TRIGGER trg BEFORE UPDATE ON t FOR EACH ROW
BEGIN
  SET NEW.updated_at = NOW();
END`;
const delimiterScript = `-- routines
DELIMITER $$
${procedure}$$

${trigger} $$
delimiter ;
SELECT 1;
UPDATE t SET a = 1 WHERE id = 2;
`;

describe('splitStatements', () => {
  for (const c of texts) {
    it(c.name, () => {
      const got = splitStatements(c.input);
      assert.deepEqual(
        got.map((s) => s.text),
        c.want,
      );
      assertConsistent(c.input, got);
    });
  }

  it('DELIMITER keeps procedure and trigger bodies whole', () => {
    const got = splitStatements(delimiterScript);
    assert.deepEqual(
      got.map((s) => [s.text, s.delimiter, s.line, s.column]),
      [
        [procedure, '$$', 3, 1],
        [trigger, '$$', 12, 1],
        ['SELECT 1', ';', 17, 1],
        ['UPDATE t SET a = 1 WHERE id = 2', ';', 18, 1],
      ],
    );
    assertConsistent(delimiterScript, got);
  });

  const positions: Array<{ name: string; input: string; want: Array<Omit<SplitStatement, 'text'>> }> = [
    {
      name: 'statements on later lines',
      input: 'SELECT 1;\n\n   UPDATE t SET a = 1;\n  DELETE FROM t',
      want: [
        { line: 1, column: 1, offset: 0, delimiter: ';' },
        { line: 3, column: 4, offset: 14, delimiter: ';' },
        { line: 4, column: 3, offset: 36, delimiter: '' },
      ],
    },
    {
      name: 'a leading comment is where the statement starts',
      input: 'SELECT 1;\n  /* why */\n  DROP TABLE t;',
      want: [
        { line: 1, column: 1, offset: 0, delimiter: ';' },
        { line: 2, column: 3, offset: 12, delimiter: ';' },
      ],
    },
    {
      name: 'CRLF line breaks',
      input: 'SELECT 1;\r\n\r\n  SELECT 2;\r\n',
      want: [
        { line: 1, column: 1, offset: 0, delimiter: ';' },
        { line: 3, column: 3, offset: 15, delimiter: ';' },
      ],
    },
    {
      name: 'second statement on the same line',
      input: 'SELECT 1;  SELECT 2',
      want: [
        { line: 1, column: 1, offset: 0, delimiter: ';' },
        { line: 1, column: 12, offset: 11, delimiter: '' },
      ],
    },
    {
      name: 'after a DELIMITER line',
      input: 'DELIMITER //\n  SELECT 1 //\nDELIMITER ;',
      want: [{ line: 2, column: 3, offset: 15, delimiter: '//' }],
    },
  ];
  for (const c of positions) {
    it(`position: ${c.name}`, () => {
      const got = splitStatements(c.input);
      assert.deepEqual(
        got.map(({ line, column, offset, delimiter }) => ({ line, column, offset, delimiter })),
        c.want,
      );
      assertConsistent(c.input, got);
    });
  }

  it('splits 10,000 statements (~1 MB)', () => {
    const parts: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      parts.push(
        `-- row ${i}\nINSERT INTO t_${i % 97} (id, note, \`x;y\`) VALUES (${i}, 'it''s; -- not a comment ${'x'.repeat(i % 40)}', "a\\"; b") /* c; */;\n`,
      );
    }
    const input = parts.join('');
    assert.ok(input.length > 1_000_000, `input is ${input.length} chars`);
    const got = splitStatements(input);
    assert.equal(got.length, 10_000);
    assert.ok(got[9_999].text.startsWith('-- row 9999\nINSERT INTO t_'));
  });
});
