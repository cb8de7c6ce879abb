import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetaServer } from '../../../src/inventory/meta-server.js';
import { createProtectedTargets, type TicketTouches } from '../../../src/tickets/protected-targets.js';
import { realKinds } from '../../support/kinds.js';

const ticketTouches = (request: Parameters<typeof realKinds.touches>[0]) => realKinds.touches(request);

/** dbops' meta schema is `dbops`, on the server of cluster `local` (and of nothing else; `down` cannot be reached). */
const meta: MetaServer = {
  schema: async () => 'dbops',
  isMetaServer: async (cluster) => {
    if (cluster === 'down') throw new Error('connect ECONNREFUSED 10.0.0.9:3306');
    return cluster === 'local';
  },
};
const protection = createProtectedTargets({ config: { execution: { backup_schema: 'dbops_backup' } }, meta });
const exec = (cluster: string, schema: string, sql: string) =>
  ticketTouches({ kind: 'sql-change', payload: { sql }, cluster, schema });
const verdict = async (touches: TicketTouches) => {
  const v = await protection.check(touches);
  return v.ok ? 'ok' : v.message;
};

describe('protected targets', () => {
  const cases: Array<[string, TicketTouches, string | RegExp]> = [
    [
      'the meta schema on the meta server, as the target',
      exec('local', 'dbops', "UPDATE tickets SET state = 'approved' WHERE id = 1"),
      "`local.dbops` is dbops' own meta database: dbops never changes it through a ticket.",
    ],
    [
      'named in the SQL of another target',
      exec('local', 'shop', 'UPDATE DBOPS.tickets SET state = 1'),
      "Statement 1 names `DBOPS`: `local.DBOPS` is dbops' own meta database: dbops never changes it through a ticket.",
    ],
    ['a schema called like it on another server is anybody’s', exec('prod', 'dbops', 'UPDATE t SET a = 1'), 'ok'],
    [
      'a server that cannot be asked is refused, saying why',
      exec('down', 'dbops', 'UPDATE t SET a = 1'),
      /could not check whether `down` is its server \(connect ECONNREFUSED 10\.0\.0\.9:3306\); try again/,
    ],
    [
      'a system schema, on any server',
      exec('prod', 'shop', 'DELETE FROM t WHERE id IN (SELECT 1 FROM performance_schema.threads)'),
      /`prod\.performance_schema` is a system schema of the server: dbops never changes or copies it/,
    ],
    ['mysql as the target', exec('prod', 'mysql', 'UPDATE user SET x = 1'), /`prod\.mysql` is a system schema/],
    [
      'the backup schema, on every cluster',
      exec('prod', 'shop', 'DELETE FROM dbops_backup.executions'),
      /`prod\.dbops_backup` holds dbops' before-images and execution log .* use `\/dbops rollback T-…`/,
    ],
    [
      'a rollback reads the backup tables: allowed',
      ticketTouches({
        kind: 'rollback',
        payload: { of_ticket: 7, sql: 'INSERT INTO shop.orders (id) SELECT id FROM dbops_backup.t7_1_orders' },
        cluster: 'prod',
        schema: 'shop',
      }),
      'ok',
    ],
    [
      'dynamic SQL cannot be checked',
      exec('prod', 'shop', "PREPARE s FROM 'SELECT 1'"),
      /^Statement 1 builds SQL at run time \(PREPARE\/EXECUTE\), so dbops cannot tell which schemas it touches/,
    ],
    ['an ordinary change', exec('local', 'shop', 'UPDATE orders SET status = 1 WHERE id = 7'), 'ok'],
  ];
  for (const [what, touches, expected] of cases)
    it(what, async () => {
      const got = await verdict(touches);
      if (typeof expected === 'string') assert.equal(got, expected);
      else assert.match(got, expected);
    });

  it('a shard pattern cannot hide a protected schema: it is checked as every schema it runs on', async () => {
    const numbered = createProtectedTargets({ config: { execution: { backup_schema: 'dbops_bk2' } }, meta });
    const v = await numbered.check(exec('prod', 'shop', 'DELETE FROM dbops_bk{1..3}.executions'));
    assert.equal(v.ok, false);
    assert.match(v.ok ? '' : v.message, /names `dbops_bk2`: `prod\.dbops_bk2` holds dbops' before-images/);
  });

  const migration = (from: [string, string], to: [string, string]) =>
    ticketTouches({
      kind: 'migrate',
      payload: {
        source: { cluster: from[0], schema: from[1] },
        destination: { cluster: to[0], schema: to[1] },
        tables: [],
        where: null,
        mode: 'fail',
        objects: [],
      },
      cluster: from[0],
      schema: from[1],
    });
  it('a migration may not write into the meta schema, nor copy a system schema; it may read the backups', async () => {
    assert.match(await verdict(migration(['prod', 'shop'], ['local', 'dbops'])), /own meta database/);
    assert.match(await verdict(migration(['prod', 'mysql'], ['local', 'x'])), /`prod\.mysql` is a system schema/);
    assert.equal(await verdict(migration(['prod', 'dbops_backup'], ['local', 'restore'])), 'ok');
    assert.match(await verdict(migration(['prod', 'shop'], ['local', 'dbops_backup'])), /before-images/);
  });
});
