import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { CatalogCache } from '../../../src/review/catalog/catalog-cache.js';
import { memoProbe } from '../../../src/review/explain/memo-probe.js';
import { MysqlProbe } from '../../../src/review/explain/mysql-probe.js';
import type { ServerProbe } from '../../../src/review/explain/probe.js';
import { redisCatalogVersions } from '../../../src/wiring/catalog-versions.js';
import { dropDatabase } from '../../support/harness.js';

const suffix = randomBytes(4).toString('hex');
const schema = `dbops_cc_${suffix}`;
const keys = { prefix: `test-cc-${suffix}`, queue: 'tickets' };

describe('review catalog cache (real MariaDB and Redis)', () => {
  let pool: mysql.Pool;
  let redis: Redis;
  before(async () => {
    pool = mysql.createPool({ host: '127.0.0.1', user: 'root', connectionLimit: 2 });
    await pool.query(`CREATE DATABASE \`${schema}\``);
    await pool.query(`CREATE TABLE \`${schema}\`.orders (id INT PRIMARY KEY, total INT NOT NULL)`);
    await pool.query(`CREATE TABLE \`${schema}\`.items (id INT PRIMARY KEY)`);
    redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  });
  after(async () => {
    const left = await redis.keys(`${keys.prefix}:*`);
    if (left.length > 0) await redis.del(...left);
    await redis.quit();
    await pool.end();
    await dropDatabase(schema);
  });

  const columnsOf = async (cache: CatalogCache) =>
    (await cache.load('local', pool, [schema])).getTable(schema, 'orders')?.columns.map((c) => c.name);

  it('reads a schema once within the TTL; each review gets a copy its DDL may change', async () => {
    let now = 1_000_000;
    const cache = new CatalogCache({ ttlMs: 60_000, now: () => now });
    const first = await cache.load('local', pool, [schema, 'no_such_schema_here']);
    assert.deepEqual(
      first
        .tables(schema)
        .map((t) => t.name)
        .sort(),
      ['items', 'orders'],
    );
    assert.equal(first.hasSchema('no_such_schema_here'), false);
    first.dropTable(schema, 'orders');
    const second = await cache.load('local', pool, [schema, 'no_such_schema_here']);
    assert.ok(second.getTable(schema, 'orders'), "the first review's change stayed in its copy");
    assert.deepEqual(cache.stats, { hits: 2, misses: 2 }, 'the missing schema is remembered too');
    // DDL outside dbops shows once the TTL ran out.
    await pool.query(`ALTER TABLE \`${schema}\`.orders ADD COLUMN note VARCHAR(20) NULL`);
    assert.deepEqual(await columnsOf(cache), ['id', 'total']);
    now += 60_000;
    assert.deepEqual(await columnsOf(cache), ['id', 'total', 'note']);
    await pool.query(`ALTER TABLE \`${schema}\`.orders DROP COLUMN note`);
  });

  it("a ticket that ran on the cluster (the version in Redis moved) makes every process's cache read again", async () => {
    const versions = redisCatalogVersions(redis, keys);
    const bot = new CatalogCache({ ttlMs: 60_000, versions });
    assert.deepEqual(await columnsOf(bot), ['id', 'total']);
    await pool.query(`ALTER TABLE \`${schema}\`.orders ADD COLUMN shipped DATE NULL`);
    assert.deepEqual(await columnsOf(bot), ['id', 'total'], 'cached until told');
    await redisCatalogVersions(redis, keys).bump('local'); // what a worker does at the end of a run
    assert.deepEqual(await columnsOf(bot), ['id', 'total', 'shipped']);
    assert.deepEqual(bot.stats, { hits: 1, misses: 2 });
    await pool.query(`ALTER TABLE \`${schema}\`.orders DROP COLUMN shipped`);
    bot.invalidate('local', schema);
    assert.deepEqual(await columnsOf(bot), ['id', 'total']);
    assert.equal(await versions.current('other-cluster'), '0', 'clusters count apart');
  });

  it('TTL 0 reads every time and counts nothing; the least recently used schema goes first', async () => {
    const off = new CatalogCache({ ttlMs: 0 });
    await off.load('local', pool, [schema]);
    await off.load('local', pool, [schema]);
    assert.deepEqual(off.stats, { hits: 0, misses: 0 });
    const small = new CatalogCache({ ttlMs: 60_000, maxSchemas: 1 });
    await small.load('local', pool, [schema]);
    await small.load('local', pool, ['mysql']);
    await small.load('local', pool, [schema]);
    assert.deepEqual(small.stats, { hits: 0, misses: 3 });
  });

  it('keeps EXPLAIN answers with the catalog: a second review asks the server nothing, a change by dbops ends them', async () => {
    const versions = redisCatalogVersions(redis, keys);
    const cache = new CatalogCache({ ttlMs: 60_000, versions });
    const server = await MysqlProbe.connect(pool);
    const asked: string[] = [];
    const counting: ServerProbe = {
      flavor: server.flavor,
      version: server.version,
      explain: (sql, s) => {
        asked.push(sql);
        return server.explain(sql, s);
      },
    };
    const sql = 'SELECT id FROM orders WHERE total > 5';
    try {
      const review = async () => memoProbe(counting, (await cache.open('local', pool, [schema])).plans);
      const first = await (await review()).explain(sql, schema);
      assert.equal(asked.length, 1);
      const again = await review();
      const second = await again.explain(sql, schema);
      assert.deepEqual(second, first, 'the same answer');
      assert.equal(asked.length, 1, 'the second review asked the server nothing');
      second[0].rows = -1;
      assert.notEqual((await again.explain(sql, schema))[0].rows, -1, 'each caller gets its own copy');
      await assert.rejects((await review()).explain('SELECT nope FROM orders', schema));
      await assert.rejects((await review()).explain('SELECT nope FROM orders', schema));
      assert.equal(asked.length, 3, 'an error is not kept: asked again');
      await versions.bump('local');
      await (await review()).explain(sql, schema);
      assert.equal(asked.length, 4, 'a ticket that ran on the cluster ends the answers with the catalog');
      assert.deepEqual(cache.planStats, { hits: 2, misses: 4 });
    } finally {
      await server.close();
    }
  });
});
