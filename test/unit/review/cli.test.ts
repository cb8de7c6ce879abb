import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { reviewCli } from '../../../src/review/cli.js';

async function run(argv: string[], stdin = '', files: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write: (chunk, _enc, done) => {
        append(String(chunk));
        done();
      },
    });
  process.env.DBOPS_CONFIG = '/nonexistent/dbops.yml';
  const code = await reviewCli(argv, {
    stdin: Readable.from([stdin]),
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    },
  });
  return { code, out, err };
}

describe('dbops review (CLI contract)', () => {
  it('exits 0 below --fail-on, 1 at or above it', async () => {
    assert.equal((await run(['-'], 'SELECT id FROM t WHERE id = 1 ORDER BY id')).code, 0);
    assert.equal((await run(['-'], 'DELETE FROM t')).code, 1);
    const warnOnly = 'SELECT * FROM t WHERE id = 1';
    assert.equal((await run(['-'], warnOnly)).code, 0);
    assert.equal((await run(['--fail-on', 'warning', '-'], warnOnly)).code, 1);
    assert.equal(
      (await run(['--change', '-'], 'SELECT id FROM t WHERE id = 1 ORDER BY id')).code,
      1,
      'a plain SELECT is an error in a change',
    );
  });

  it('exits 2 on bad usage, saying what was wrong', async () => {
    const bad = await run(['--format', 'xml', '-']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--format must be one of text, json, sarif, github \(got 'xml'\)/);
    assert.equal((await run([])).code, 2);
    assert.match((await run(['--target', 'nodot', '-'], 'SELECT 1')).err, /--target must be cluster\.schema/);
  });

  it('--help and -h print the usage and what each option does, exit 0, and review nothing', async () => {
    for (const flag of ['--help', '-h']) {
      const help = await run([flag]);
      assert.equal(help.code, 0);
      assert.equal(help.err, '');
      assert.match(help.out, /^Usage: dbops review \[--target cluster\.schema\]/);
      assert.match(help.out, /--fail-on LEVEL/);
      assert.match(help.out, /Exit status: 0 below the fail-on level, 1 at or above it, 2 on bad usage/);
    }
    assert.match((await run(['--nope', '-'])).err, /dbops review --help explains each option/);
  });

  it('prints the JSON report of the contract', async () => {
    const { out } = await run(['--format', 'json', 'change.sql'], '', { 'change.sql': 'SELECT 1;\nDELETE FROM t;' });
    const report = JSON.parse(out);
    assert.deepEqual(Object.keys(report.summary).sort(), [
      'errors',
      'grade',
      'notices',
      'score',
      'verdict',
      'warnings',
    ]);
    assert.equal(report.statements.length, 2);
    const finding = report.statements[1].findings.find(
      (f: { rule: string }) => f.rule === 'statement.where.require.update-delete',
    );
    assert.deepEqual(
      { severity: finding.severity, line: finding.line, column: finding.column },
      { severity: 'error', line: 2, column: 1 },
    );
    assert.equal(typeof finding.message, 'string');
  });

  it('prints SARIF 2.1.0 with a result per finding, located in the file', async () => {
    const { out } = await run(['--format', 'sarif', 'a.sql'], '', { 'a.sql': 'TRUNCATE TABLE t' });
    const sarif = JSON.parse(out);
    assert.equal(sarif.version, '2.1.0');
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'statement.disallow-truncate');
    assert.equal(result.level, 'error');
    assert.deepEqual(result.locations[0].physicalLocation, {
      artifactLocation: { uri: 'a.sql' },
      region: { startLine: 1, startColumn: 1 },
    });
    assert.ok(sarif.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === 'statement.disallow-truncate'));
  });

  it('SARIF locates a file whose name has a space, % or # by a percent-encoded URI reference', async () => {
    const { out } = await run(['--format', 'sarif', 'db/a b%#1.sql'], '', { 'db/a b%#1.sql': 'TRUNCATE TABLE t' });
    const uris = JSON.parse(out).runs[0].results.map(
      (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
        r.locations[0]?.physicalLocation.artifactLocation.uri,
    );
    assert.ok(uris.length > 0);
    for (const uri of uris) assert.equal(uri, 'db/a%20b%25%231.sql');
  });

  it('--format github prints Actions annotations and keeps the exit code contract', async () => {
    const { code, out } = await run(['--format', 'github', 'm/1.sql'], '', { 'm/1.sql': 'SELECT 1;\nDELETE FROM t;' });
    assert.equal(code, 1);
    assert.match(
      out,
      /^::error file=m\/1\.sql,line=2,col=1,title=dbops statement\.where\.require\.update-delete::.+$/m,
    );
    assert.match(out, /^dbops review: 2 statements, 1 error, /m);
  });
});
