import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { z } from 'zod';
import { reviewCli } from '../../../src/review/cli.js';

// The SARIF 2.1.0 schema (rtm.5, the release the OASIS standard was cut from; draft-04), as shipped in
// @microsoft/jest-sarif. Its `language` pattern is not a valid Unicode-mode regexp, hence unicodeRegExp.
const schema = JSON.parse(
  readFileSync(new URL('../../fixtures/sarif/sarif-2.1.0-rtm.5.json', import.meta.url), 'utf8'),
);
// Both are CommonJS modules whose class/plugin is also their `default` export; under NodeNext the
// default import is the module object, so take `.default`.
const Ajv = AjvDraft04.default;
const addFormats = ajvFormats.default;
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

async function sarifOf(file: string, sql: string): Promise<unknown> {
  let out = '';
  const stdout = new Writable({
    write: (chunk, _enc, done) => {
      out += String(chunk);
      done();
    },
  });
  process.env.DBOPS_CONFIG = '/nonexistent/dbops.yml';
  await reviewCli(['--format', 'sarif', file], {
    stdin: Readable.from([sql]),
    stdout,
    stderr: new Writable({ write: (_c, _e, done) => done() }),
    readFile: () => sql,
  });
  return JSON.parse(out);
}

function problems(doc: unknown): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('\n') || String(doc);
}

const BATCH = [
  'TRUNCATE TABLE t;',
  'SELECT * FROM t WHERE id = 1;',
  'DELETE FROM t;',
  'CREATE TABLE n (a INT, b TEXT);',
  "UPDATE t SET name = 'x' WHERE id > 0 LIMIT 10;",
  'ALTER TABLE t ADD COLUMN c INT NULL;',
  "GRANT ALL ON *.* TO 'u'@'%' IDENTIFIED BY 'secret';",
  'SELEC broken;',
].join('\n');

describe('SARIF output against the SARIF 2.1.0 JSON schema', () => {
  const cases: { name: string; file: string; sql: string }[] = [
    { name: 'a batch with errors, warnings and notices', file: 'db/migrations/001.sql', sql: BATCH },
    {
      name: 'a clean statement (no results, no rules)',
      file: 'ok.sql',
      sql: 'SELECT id FROM t WHERE id = 1 ORDER BY id',
    },
    { name: 'standard input', file: '-', sql: BATCH },
    { name: 'a file name with a space, % and #', file: 'db/a b%#1.sql', sql: BATCH },
  ];
  for (const c of cases) {
    it(`validates: ${c.name}`, async () => {
      const doc = await sarifOf(c.file, c.sql);
      assert.ok(validate(doc), problems(doc));
    });
  }

  it('the validator does reject what the schema forbids', async () => {
    const doc = await sarifOf('a.sql', 'TRUNCATE TABLE t');
    assert.ok(validate(doc));
    const bad = z
      .looseObject({ runs: z.array(z.looseObject({ results: z.array(z.looseObject({ level: z.string() })) })) })
      .parse(structuredClone(doc));
    const first = bad.runs[0]?.results[0];
    assert.ok(first, 'the truncate finding is a result');
    first.level = 'fatal';
    assert.equal(validate(bad), false);
    assert.ok(validate.errors?.some((e) => e.instancePath === '/runs/0/results/0/level'));
  });
});
