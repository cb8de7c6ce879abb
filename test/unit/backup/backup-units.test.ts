import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RestoreArgs } from '../../../src/backup/restore-args.js';
import { checkBackups } from '../../../src/backup/doctor.js';
import { parseMetadata, schemaOfFile } from '../../../src/backup/mydumper.js';
import { RowScanner } from '../../../src/backup/row-scanner.js';
import { missedRun, overdueSince, previousRun, retryDelayMs } from '../../../src/backup/schedule.js';
import { parseConfig } from '../../../src/config/load.js';

function scan(text: string): Record<string, number> {
  const scanner = new RowScanner();
  for (const line of text.split('\n')) scanner.line(Buffer.from(line));
  return Object.fromEntries(scanner.rows);
}

describe('RowScanner', () => {
  const cases: Array<[string, string, Record<string, number>]> = [
    ['a row per line (mariadb-dump 10.11)', "INSERT INTO `t` VALUES\n(1,'a'),\n(2,NULL);", { t: 2 }],
    ['all rows on one line', "INSERT INTO `t` VALUES (1,'a'),(2,'b'),(3,'c');", { t: 3 }],
    [
      'quotes, escapes and parentheses inside values',
      "INSERT INTO `t` VALUES (1,'a\\'b),(c'),(2,\"x)(\\\"\"),(3,'\\\\');",
      { t: 3 },
    ],
    [
      'a row per line with parentheses inside quotes',
      "INSERT INTO `t` VALUES\n(1,'a(b'),\n(2,')'),\n(3,'),(');",
      { t: 3 },
    ],
    ['nested parentheses (functions)', 'INSERT INTO `t` VALUES (1,POINT(1,2)),(2,0x00);', { t: 2 }],
    [
      'two tables, a backticked name with a doubled backtick',
      'INSERT INTO `a``b` VALUES (1);\nINSERT INTO `c` VALUES (1),(2);',
      { 'a`b': 1, c: 2 },
    ],
    [
      'a schema-qualified name; other statements count nothing',
      'CREATE TABLE `t` (id INT);\nINSERT INTO `s`.`t` VALUES (1);',
      { t: 1 },
    ],
  ];
  for (const [name, text, expected] of cases)
    it(name, () => {
      assert.deepEqual(scan(text), expected);
    });
});

describe('restore arguments', () => {
  const good: Array<[string, unknown]> = [
    ['B-12 to staging', { set: 12, schemas: [], cluster: 'staging', schema: null }],
    ['B-12 shop to staging.shop_copy', { set: 12, schemas: ['shop'], cluster: 'staging', schema: 'shop_copy' }],
    ['b12 shop,billing → test', { set: 12, schemas: ['shop', 'billing'], cluster: 'test', schema: null }],
    ['B-3 shop -> test.x', { set: 3, schemas: ['shop'], cluster: 'test', schema: 'x' }],
    ['', null],
  ];
  for (const [text, expected] of good)
    it(`reads '${text}'`, () => {
      assert.deepEqual(RestoreArgs.parse(text), expected);
    });
  const bad: Array<[string, RegExp]> = [
    ['T-12 to test', /not a backup set/],
    ['B-12 shop', /say where it goes/],
    ['B-12 shop billing to test', /commas/],
    ['B-12 to Prod', /not cluster or cluster\.schema/],
    ['B-12 sh;op to test', /not a schema name/],
  ];
  for (const [text, message] of bad)
    it(`refuses '${text}'`, () => {
      const parsed = RestoreArgs.safeParse(text);
      assert.equal(parsed.success, false);
      assert.match(parsed.error?.issues[0]?.message ?? '', message);
    });
});

describe('schedules', () => {
  const now = new Date('2026-12-02T19:00:00Z');
  it('reads cron in the cluster zone', () => {
    // 19:00 UTC is 03:00 in Shanghai the next day; its 02:00 was 18:00 UTC.
    assert.equal(previousRun('0 2 * * *', 'Asia/Shanghai', now)?.toISOString(), '2026-12-02T18:00:00.000Z');
  });
  it('a run is missed when the last one started before the due time', () => {
    assert.equal(
      missedRun('0 2 * * *', 'UTC', new Date('2026-12-01T02:00:05Z'), now)?.toISOString(),
      '2026-12-02T02:00:00.000Z',
    );
    assert.equal(missedRun('0 2 * * *', 'UTC', new Date('2026-12-02T02:00:01Z'), now), null);
  });
  it('overdue after the grace', () => {
    assert.equal(
      overdueSince('0 2 * * *', 'UTC', new Date('2026-12-01T02:00:00Z'), now, 3600)?.toISOString(),
      '2026-12-02T02:00:00.000Z',
    );
    assert.equal(overdueSince('0 2 * * *', 'UTC', new Date('2026-12-02T02:01:00Z'), now, 3600), null);
  });
  it('three retries within 6 h wait 51 min, then twice and four times that', () => {
    const first = retryDelayMs(3, 6 * 3600);
    assert.equal(Math.round(first / 60_000), 51);
    assert.ok(first * 7 <= 6 * 3600 * 1000);
  });
});

describe('mydumper files', () => {
  it('reads the binlog position of its metadata', () => {
    const text =
      'Started dump at: x\nSHOW MASTER STATUS:\n\tLog: mysql-bin.000003\n\tPos: 1234\n\tGTID:0-1-42\n\nFinished dump at: y\n';
    assert.deepEqual(parseMetadata(text), { file: 'mysql-bin.000003', position: 1234, gtid: '0-1-42' });
    assert.equal(parseMetadata('Started dump at: x\n'), null);
  });
  it('names the schema of a file by the longest match', () => {
    assert.equal(schemaOfFile('shop.orders.sql.gz', ['shop', 'shop.x']), 'shop');
    assert.equal(schemaOfFile('shop_2-schema-create.sql.gz', ['shop', 'shop_2']), 'shop_2');
    assert.equal(schemaOfFile('metadata', ['shop']), null);
  });
});

describe('backups config and doctor', () => {
  const yaml = (backups: string, backup = '{ schedule: "0 2 * * *", verify_on: scratch }') => `
slack: { approval_channel: C0A, alert_channel: C0B }
${backups}
clusters:
  prod: { env: prod, primary: { host: db }, user: dbops, backup: ${backup} }
  scratch: { env: test, primary: { host: db2 }, user: dbops }
`;
  it('a cluster with backup: needs backups.dir, and verify_on names a cluster', () => {
    assert.throws(() => parseConfig(yaml('')), /backups\.dir: clusters\.prod\.backup needs backups\.dir/);
    assert.throws(
      () => parseConfig(yaml('backups: { dir: /x }', '{ verify_on: nowhere }')),
      /verify_on: no cluster named 'nowhere'/,
    );
    assert.throws(
      () => parseConfig(yaml('backups: { dir: /x }', '{ schedule: "daily" }')),
      /cron schedule of five fields/,
    );
    const config = parseConfig(yaml('backups: { dir: /x, retry_within: 2h }'));
    assert.equal(config.backups.retry_within, 7200);
    assert.equal(config.clusters.prod.backup?.keep, 7);
  });
  it('doctor says a missing or unwritable dir', async () => {
    const tools = { installed: async () => true };
    const missing = await checkBackups(parseConfig(yaml('backups: { dir: /nonexistent/dbops-backups }')), tools);
    assert.ok(missing.some((c) => c.level === 'problem' && /does not exist/.test(c.text)));
    const dir = await mkdtemp(join(tmpdir(), 'dbops-doctor-'));
    try {
      const ok = await checkBackups(parseConfig(yaml(`backups: { dir: ${dir} }`)), tools);
      assert.ok(
        ok.every((c) => c.level === 'ok'),
        JSON.stringify(ok),
      );
      await writeFile(join(dir, 'f'), '');
      const notDir = await checkBackups(parseConfig(yaml(`backups: { dir: ${join(dir, 'f')} }`)), tools);
      assert.ok(notDir.some((c) => /not a directory/.test(c.text)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
