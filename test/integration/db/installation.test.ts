import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, it } from 'node:test';
import { ensureInstallation, InstallationId } from '../../../src/db/installation.js';
import { migrateMeta, openMetaStore } from '../../../src/db/meta.js';
import { dropDatabase } from '../../support/harness.js';

const databases = [0, 1].map(() => `dbops_inst_${randomBytes(4).toString('hex')}`);
after(async () => {
  for (const database of databases) await dropDatabase(database);
});

async function open(database: string) {
  const pool = await openMetaStore(`mysql://root@127.0.0.1:3306/${database}`);
  await migrateMeta(pool);
  return pool;
}

it('a meta database gets one installation id, the same for every process, kept across starts; another or a re-created one gets its own', async () => {
  const pools = await Promise.all([open(databases[0]), open(databases[0]), open(databases[0])]);
  const other = await open(databases[1]);
  let first: string;
  try {
    const ids = await Promise.all(pools.map((pool) => ensureInstallation(pool)));
    first = ids[0];
    assert.ok(InstallationId.safeParse(first).success, first);
    assert.deepEqual(ids, [ids[0], ids[0], ids[0]], 'processes starting together agree');
    assert.equal(await ensureInstallation(pools[0]), ids[0], 'a later start reads the same id');
    assert.notEqual(await ensureInstallation(other), ids[0], 'another meta database is another installation');
  } finally {
    await Promise.all([...pools, other].map((p) => p.end()));
  }
  await dropDatabase(databases[0]);
  const recreated = await open(databases[0]);
  try {
    assert.notEqual(await ensureInstallation(recreated), first, 'a re-created meta database is a new installation');
  } finally {
    await recreated.end();
  }
});
