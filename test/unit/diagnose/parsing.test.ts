import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlowArgs } from '../../../commands/slow.js';
import { SpaceArgs } from '../../../commands/space.js';
import { TopArgs } from '../../../commands/top.js';
import { fingerprint, percentile } from '../../../src/diagnose/fingerprint.js';
import { addIndexSql, indexCandidate } from '../../../src/diagnose/index-advice.js';
import { movedOn, statementHash } from '../../../src/diagnose/kill.js';
import { enableAdvice, groupDigests } from '../../../src/diagnose/slow.js';
import { daysUntil, trendPerDay } from '../../../src/diagnose/space.js';
import type { Session } from '../../../src/diagnose/types.js';

describe('diagnose arguments: top, slow, space', () => {
  const ok = <T>(schema: { safeParse(t: string): { success: boolean; data?: T } }, text: string): T | undefined => {
    const parsed = schema.safeParse(text);
    assert.ok(parsed.success, `parses: ${text}`);
    return parsed.data;
  };
  const bad = (schema: { safeParse(t: string): { success: boolean } }, text: string) =>
    assert.equal(schema.safeParse(text).success, false, `refused: ${text}`);

  it('top takes one cluster, or nothing (the form)', () => {
    assert.deepEqual(ok(TopArgs, ' prod '), { cluster: 'prod' });
    assert.deepEqual(ok(TopArgs, ''), { cluster: null });
    for (const text of ['prod test', 'Prod', 'prod.shop', '`prod`']) bad(TopArgs, text);
  });

  it('slow takes a cluster, a schema and since 1h|1d|7d (default 1d)', () => {
    const cases: Array<[string, unknown]> = [
      ['', { cluster: null, since: '1d' }],
      ['prod', { cluster: 'prod', since: '1d' }],
      ['prod shop', { cluster: 'prod', schema: 'shop', since: '1d' }],
      ['prod.shop since 7d', { cluster: 'prod', schema: 'shop', since: '7d' }],
      ['prod since 1H', { cluster: 'prod', since: '1h' }],
    ];
    for (const [text, want] of cases) assert.deepEqual(ok(SlowArgs, text), want, text);
    for (const text of ['prod since', 'prod since 2d', 'prod shop extra', 'prod since 1h shop', 'prod sh;op'])
      bad(SlowArgs, text);
  });

  it('space takes a cluster and an optional schema', () => {
    assert.deepEqual(ok(SpaceArgs, 'prod'), { cluster: 'prod' });
    assert.deepEqual(ok(SpaceArgs, 'prod shop'), { cluster: 'prod', schema: 'shop' });
    assert.deepEqual(ok(SpaceArgs, 'prod.shop'), { cluster: 'prod', schema: 'shop' });
    assert.deepEqual(ok(SpaceArgs, ''), { cluster: null });
    for (const text of ['prod shop more', 'PROD', 'prod sh`op']) bad(SpaceArgs, text);
  });
});

describe('fingerprints group statements that differ only in their values', () => {
  const same: Array<[string, string]> = [
    ["SELECT * FROM t WHERE id = 1 AND name = 'a'", 'select * from t where id = ? and name = ?'],
    ['select *  from t where id=2', 'select * from t where id=?'],
    ['SELECT a FROM t WHERE id IN (1, 2, 3)', 'select a from t where id in (?+)'],
    ["INSERT INTO t VALUES (1, 'x'), (2, 'y')", 'insert into t values (?+)'],
    ['SELECT /* app:42 */ a FROM t2 WHERE x > -3.5e2', 'select a from t2 where x > ?'],
    ["SELECT 'it''s', \"q\" FROM t", 'select ?, ? from t'],
    ['SELECT col1 FROM t_2 WHERE `x1` = 0xFF;', 'select col1 from t_2 where `x1` = ?'],
  ];
  for (const [sql, want] of same) it(sql, () => assert.equal(fingerprint(sql), want));

  it('p95 by nearest rank', () => {
    assert.equal(percentile([], 95), null);
    assert.equal(percentile([3], 95), 3);
    assert.equal(
      percentile(
        [...Array(100).keys()].map((i) => i + 1),
        95,
      ),
      95,
    );
  });

  it('groups slow-log rows by schema and fingerprint, biggest total first', () => {
    const row = (db: string, sql_text: string, seconds: number, examined = 10, sent = 1) => ({
      db,
      sql_text,
      seconds,
      examined,
      sent,
    });
    const digests = groupDigests([
      row('shop', 'SELECT * FROM o WHERE id = 1', 1),
      row('shop', 'SELECT * FROM o WHERE id = 2', 3),
      row('shop', 'SELECT * FROM c WHERE id = 2', 2.5),
      row('crm', 'SELECT * FROM o WHERE id = 2', 0.5),
    ]);
    assert.deepEqual(
      digests.map((d) => [d.schema, d.digest, d.calls, d.totalSeconds]),
      [
        ['shop', 'select * from o where id = ?', 2, 4],
        ['shop', 'select * from c where id = ?', 1, 2.5],
        ['crm', 'select * from o where id = ?', 1, 0.5],
      ],
    );
    assert.equal(digests[0].sample, 'SELECT * FROM o WHERE id = 2', 'the slowest call is the sample');
    assert.equal(digests[0].meanSeconds, 2);
  });

  it('what to enable names both ways and never changes anything', () => {
    const text = enableAdvice({ ps: 0, log_output: 'FILE', slow_log: 1, long_query_time: 10 });
    assert.match(text, /performance_schema = ON/);
    assert.match(text, /goes to FILE only/);
    assert.match(text, /does not change server settings/);
  });
});

describe('index candidates from a WHERE', () => {
  const cases: Array<[string, unknown]> = [
    ["SELECT id FROM items WHERE sku = 'a'", { table: 'items', columns: ['sku'] }],
    [
      "SELECT id FROM items WHERE qty > 3 AND sku = 'a' AND shop IN (1, 2)",
      { table: 'items', columns: ['sku', 'shop', 'qty'] },
    ],
    ["UPDATE items SET qty = 1 WHERE sku = 'a'", { table: 'items', columns: ['sku'] }],
    ["DELETE FROM items WHERE created < '2024-01-01'", { table: 'items', columns: ['created'] }],
  ];
  for (const [sql, want] of cases) it(sql, () => assert.deepEqual(indexCandidate(sql), want));

  const none: Array<[string, RegExp]> = [
    ['SELECT id FROM items', /no WHERE/],
    ["SELECT id FROM items WHERE name LIKE '%x'", /compares no column/],
    ["SELECT id FROM items WHERE sku = 'a' OR qty = 1", /compares no column/],
    ['SELECT a.id FROM a JOIN b ON a.id = b.a_id WHERE a.x = 1', /one table/],
    ['SELECT id FROM other.items WHERE x = 1', /one table/],
    ['INSERT INTO t VALUES (1)', /only a SELECT/],
  ];
  for (const [sql, why] of none)
    it(`${sql}: none`, () => {
      const got = indexCandidate(sql);
      assert.ok('why' in got, JSON.stringify(got));
      assert.match(got.why, why);
    });

  it('names the index after its columns, quoted', () => {
    assert.equal(addIndexSql('it`ems', ['a', 'b']), 'ALTER TABLE `it``ems` ADD INDEX `idx_a_b` (`a`, `b`)');
  });
});

describe('a Kill reaches only the thread as it was seen', () => {
  const session = (over: Partial<Session> = {}): Session => ({
    id: 7,
    user: 'app',
    host: '10.0.0.5:5000',
    schema: 'shop',
    command: 'Query',
    timeMs: 5000,
    state: 'Sending data',
    statement: 'SELECT SLEEP(5)',
    ...over,
  });
  const request = { threadId: 7, kind: 'query' as const, user: 'app', statementHash: statementHash('SELECT SLEEP(5)') };
  it('kills a thread that still runs the statement', () => assert.equal(movedOn(request, session()), null));
  it('not a thread that ended', () => assert.match(movedOn(request, undefined) ?? '', /already ended/));
  it('not a reused id', () => assert.match(movedOn(request, session({ user: 'other' })) ?? '', /now belongs to other/));
  it('not a finished statement', () =>
    assert.match(movedOn(request, session({ command: 'Sleep', statement: null })) ?? '', /already finished/));
  it('not another statement', () =>
    assert.match(movedOn(request, session({ statement: 'SELECT 2' })) ?? '', /runs another one now/));
  it('a connection kill does not care what it runs', () =>
    assert.equal(
      movedOn({ ...request, kind: 'connection', statementHash: null }, session({ command: 'Sleep', statement: null })),
      null,
    ));
});

describe('space trends', () => {
  const at = (h: number) => new Date(Date.UTC(2026, 0, 1, h));
  it('two samples give a slope; one gives none', () => {
    assert.equal(trendPerDay([{ at: at(0), bytes: 100 }]), null);
    assert.equal(
      trendPerDay([
        { at: at(0), bytes: 100 },
        { at: at(12), bytes: 200 },
      ]),
      200,
    );
  });
  it('days until a limit', () => {
    assert.equal(daysUntil(50, 10, 100), 5);
    assert.equal(daysUntil(150, 10, 100), 0);
    assert.equal(daysUntil(50, 0, 100), null);
    assert.equal(daysUntil(50, 10, null), null);
  });
});
