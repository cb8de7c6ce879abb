import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, it } from 'node:test';
import type { RowDataPacket } from 'mysql2/promise';
import { migrateMeta, openMetaStore } from '../../../src/db/meta.js';
import type { Migration } from '../../../src/db/migrations/index.js';
import { migrations } from '../../../src/db/migrations/index.js';
import { dropDatabase } from '../../support/harness.js';

const database = `dbops_mig_${randomBytes(4).toString('hex')}`;
const url = `mysql://root@127.0.0.1:3306/${database}`;
after(() => dropDatabase(database));

/** A migration that fails if run twice (no IF NOT EXISTS), to prove the lock serialises processes. */
const strict: Migration = {
  version: 999,
  name: 'not re-runnable',
  statements: ['CREATE TABLE strict_once (id INT PRIMARY KEY)', 'INSERT INTO strict_once VALUES (1)'],
};

it('creates the schema and applies every migration once when two processes start together', async () => {
  const pools = await Promise.all([openMetaStore(url), openMetaStore(url), openMetaStore(url)]);
  try {
    const applied = await Promise.all(pools.map((pool) => migrateMeta(pool, [...migrations, strict])));
    const all = applied.flat().sort((a, b) => a - b);
    assert.deepEqual(
      all,
      [...migrations.map((m) => m.version), 999].sort((a, b) => a - b),
      'each migration applied by exactly one process',
    );
    const [rows] = await pools[0].query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM strict_once');
    assert.equal(Number(rows[0].n), 1);
    assert.deepEqual(await migrateMeta(pools[0], [...migrations, strict]), [], 'a later start has nothing to do');
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
});

it('a migration whose ALTER … ADD COLUMN took effect before a crash (unrecorded) is applied on the next start', async () => {
  const pool = await openMetaStore(url);
  try {
    const adds: Migration = {
      version: 998,
      name: 'adds a column',
      statements: [
        'CREATE TABLE IF NOT EXISTS crashed (id INT PRIMARY KEY)',
        'ALTER TABLE crashed ADD COLUMN c INT NULL',
      ],
    };
    // The process ran both statements and died before recording the migration.
    for (const statement of adds.statements) await pool.query(statement);
    assert.deepEqual(await migrateMeta(pool, [...migrations, strict, adds]), [998]);
    const [rows] = await pool.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'crashed'",
    );
    assert.equal(Number(rows[0].n), 2);
  } finally {
    await pool.end();
  }
});
