import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RowDataPacket } from 'mysql2/promise';
import { type AccountEngineDeps, applyGrant, revokeGrant } from '../../../src/accounts/engine.js';
import type { GrantSpec } from '../../../src/accounts/spec.js';
import { openAccountsFixture, tryAs, type AccountsFixture } from './fixture.js';

let f: AccountsFixture;
let deps: AccountEngineDeps;
before(async () => {
  f = await openAccountsFixture();
  deps = { target: f.target, grants: f.grants, passwords: f.passwords, now: () => new Date() };
});
after(() => f.close());

const spec = (user: string, over: Partial<GrantSpec> = {}): GrantSpec => ({
  cluster: 'test',
  schema: f.schema,
  table: 'orders',
  privileges: ['SELECT'],
  account: { user, host: '%' },
  personal: true,
  duration_seconds: null,
  reason: 'report',
  ...over,
});

async function accountsNamed(user: string): Promise<number> {
  const [rows] = await f.target.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM mysql.user WHERE User = ?', [user]);
  return Number(rows[0].n);
}

describe('granting on a real MariaDB', () => {
  it('creates the account, grants exactly the scope: SELECT works, UPDATE and the next table do not', async () => {
    const user = f.user('sel');
    const grant = await f.grants.create(spec(user), 'U0DEV00001', null, new Date());
    const outcome = await applyGrant(grant, deps);
    assert.equal(outcome.createdAccount, true);
    assert.match(outcome.done.join('\n'), /created the account .*\ngranted SELECT on test\..*\.orders/);
    const reveal = await f.passwords.reveal(grant.id, 'U0DEV00001', new Date());
    assert.ok(reveal.ok);
    assert.equal(await tryAs(user, reveal.password, `SELECT COUNT(*) FROM \`${f.schema}\`.orders`), 'ok');
    assert.equal(
      await tryAs(user, reveal.password, `UPDATE \`${f.schema}\`.orders SET status = 2`),
      'ER_TABLEACCESS_DENIED_ERROR',
    );
    assert.equal(
      await tryAs(user, reveal.password, `SELECT * FROM \`${f.schema}\`.items`),
      'ER_TABLEACCESS_DENIED_ERROR',
    );
    assert.match(await tryAs(user, 'wrong', 'SELECT 1'), /^ER_ACCESS_DENIED/);
    assert.equal((await f.grants.get(grant.id))?.state, 'active');
  });

  it('a schema grant on a name with _ covers only that schema (the wildcard is escaped)', async () => {
    const user = f.user('wild');
    const grant = await f.grants.create(spec(user, { table: null }), 'U0DEV00001', null, new Date());
    await applyGrant(grant, deps);
    const [rows] = await f.target.query<RowDataPacket[]>(`SHOW GRANTS FOR '${user}'@'%'`);
    const text = rows.map((r) => String(Object.values(r)[0])).join('\n');
    assert.ok(text.includes(`GRANT SELECT ON \`${f.schema.replaceAll('_', '\\_')}\`.*`), text);
  });

  it('a worker killed between CREATE USER and GRANT resumes: one account, the same password, the grant made', async () => {
    const user = f.user('kill');
    const grant = await f.grants.create(spec(user), 'U0DEV00001', null, new Date());
    // The first attempt dies right after CREATE USER: its target refuses the GRANT that follows.
    const dying = {
      ...deps,
      target: new Proxy(f.target, {
        get(t, prop, receiver) {
          if (prop !== 'query') return Reflect.get(t, prop, receiver);
          return (sql: string, values?: unknown[]) => {
            if (/^GRANT /.test(sql))
              return Promise.reject(Object.assign(new Error('killed'), { code: 'PROTOCOL_CONNECTION_LOST' }));
            return t.query(sql, values);
          };
        },
      }),
    };
    await assert.rejects(applyGrant(grant, dying), /granting on .* failed/);
    assert.equal(await accountsNamed(user), 1, 'the account was created before the kill');
    const again = await f.grants.get(grant.id);
    assert.ok(again);
    assert.equal(again.accountExisted, false, 'recorded before CREATE USER');
    assert.equal(again.state, 'requested');
    const outcome = await applyGrant(again, deps);
    assert.equal(outcome.createdAccount, true, 'still dbops’ account: the password waits for its owner');
    assert.equal(await accountsNamed(user), 1, 'no second account');
    const reveal = await f.passwords.reveal(grant.id, 'U0DEV00001', new Date());
    assert.ok(reveal.ok);
    assert.equal(
      await tryAs(user, reveal.password, `SELECT id FROM \`${f.schema}\`.orders`),
      'ok',
      'the password stored before the kill is the account’s',
    );
  });

  it('an existing account keeps its password; a grant of it says so and stores none', async () => {
    const user = f.user('old');
    await f.target.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'Own-pass-1'`);
    const grant = await f.grants.create(spec(user, { personal: false }), 'U0DEV00001', null, new Date());
    const outcome = await applyGrant(grant, deps);
    assert.equal(outcome.createdAccount, false);
    assert.match(outcome.done.join('\n'), /exists already: its password is unchanged/);
    assert.deepEqual(await f.passwords.reveal(grant.id, 'U0DEV00001', new Date()), { ok: false, reason: 'none' });
    assert.equal(await tryAs(user, 'Own-pass-1', `SELECT 1 FROM \`${f.schema}\`.orders`), 'ok');
  });

  it('revoke takes back only what no other active grant holds, then drops the emptied personal account', async () => {
    const user = f.user('rev');
    const first = await f.grants.create(
      spec(user, { privileges: ['SELECT', 'INSERT'] }),
      'U0DEV00001',
      null,
      new Date(),
    );
    await applyGrant(first, deps);
    const reveal = await f.passwords.reveal(first.id, 'U0DEV00001', new Date());
    assert.ok(reveal.ok);
    const second = await f.grants.create(spec(user), 'U0DEV00001', null, new Date());
    await applyGrant(second, deps);
    const firstNow = await f.grants.get(first.id);
    assert.ok(firstNow);
    const out1 = await revokeGrant(firstNow, deps, { by: 'U0DBA00001', dropEmptyPersonal: true });
    assert.deepEqual(out1.revoked, ['INSERT']);
    assert.deepEqual(out1.kept, ['SELECT']);
    assert.equal(out1.dropped, false);
    assert.equal(
      await tryAs(user, reveal.password, `SELECT id FROM \`${f.schema}\`.orders`),
      'ok',
      'the other grant still holds SELECT',
    );
    const secondNow = await f.grants.get(second.id);
    assert.ok(secondNow);
    const out2 = await revokeGrant(secondNow, deps, { by: 'dbops', dropEmptyPersonal: true });
    assert.deepEqual(out2.revoked, ['SELECT']);
    assert.equal(out2.dropped, true);
    assert.equal(await accountsNamed(user), 0);
    assert.equal((await f.grants.get(second.id))?.state, 'revoked');
    // Running it again (a redelivered job) does nothing more and fails nothing.
    await revokeGrant(secondNow, deps, { by: 'dbops', dropEmptyPersonal: true });
  });

  it('keeps an emptied account that is not personal, or when configured to keep them', async () => {
    const user = f.user('keep');
    const grant = await f.grants.create(spec(user), 'U0DEV00001', null, new Date());
    await applyGrant(grant, deps);
    const active = await f.grants.get(grant.id);
    assert.ok(active);
    const out = await revokeGrant(active, deps, { by: 'U0DBA00001', dropEmptyPersonal: false });
    assert.equal(out.dropped, false);
    assert.equal(await accountsNamed(user), 1);
  });
});
