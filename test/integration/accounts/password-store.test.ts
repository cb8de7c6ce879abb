import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RowDataPacket } from 'mysql2/promise';
import { PASSWORD_TTL_MS } from '../../../src/accounts/password-store.js';
import type { GrantSpec } from '../../../src/accounts/spec.js';
import { openAccountsFixture, type AccountsFixture } from './fixture.js';

let f: AccountsFixture;
before(async () => {
  f = await openAccountsFixture();
});
after(() => f.close());

const spec: GrantSpec = {
  cluster: 'test',
  schema: 'shop',
  table: null,
  privileges: ['SELECT'],
  account: { user: 'nobody_here', host: '%' },
  personal: true,
  duration_seconds: null,
  reason: null,
};

async function activeGrantWithPassword(now = new Date()) {
  const grant = await f.grants.create(spec, 'U0DEV00001', null, now);
  const password = await f.passwords.ensure(grant.id, now);
  await f.grants.activate(grant.id, now, true);
  return { grant, password };
}

async function metaDump(): Promise<string> {
  const [tables] = await f.meta.query<RowDataPacket[]>('SHOW TABLES');
  let all = '';
  for (const t of tables) {
    const name = String(Object.values(t)[0]);
    const [rows] = await f.meta.query<RowDataPacket[]>(`SELECT * FROM \`${name}\``);
    all += JSON.stringify(rows, (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
  }
  return all;
}

describe('the encrypted password store', () => {
  it('keeps the password only encrypted, the same across attempts, and gives it once to its owner', async () => {
    const { grant, password } = await activeGrantWithPassword();
    assert.equal(await f.passwords.ensure(grant.id, new Date()), password, 'a second attempt gets the same password');
    assert.ok(!(await metaDump()).includes(password), 'not in any meta table in clear');
    assert.deepEqual(await f.passwords.reveal(grant.id, 'U0OTHER001', new Date()), { ok: false, reason: 'not-owner' });
    assert.deepEqual(await f.passwords.reveal(grant.id, 'U0DEV00001', new Date()), { ok: true, password });
    assert.deepEqual(await f.passwords.reveal(grant.id, 'U0DEV00001', new Date()), { ok: false, reason: 'shown' });
    const [rows] = await f.meta.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM grant_secrets WHERE grant_id = ?', [
      grant.id,
    ]);
    assert.equal(Number(rows[0].n), 0, 'deleted once shown');
  });

  it('two clicks at once: one gets the password, the other is told it was shown', async () => {
    const { grant, password } = await activeGrantWithPassword();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => f.passwords.reveal(grant.id, 'U0DEV00001', new Date())),
    );
    assert.deepEqual(
      results.filter((r) => r.ok),
      [{ ok: true, password }],
    );
    assert.ok(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'shown'));
  });

  it('not before the grant is active', async () => {
    const grant = await f.grants.create(spec, 'U0DEV00001', null, new Date());
    await f.passwords.ensure(grant.id, new Date());
    assert.deepEqual(await f.passwords.reveal(grant.id, 'U0DEV00001', new Date()), { ok: false, reason: 'not-active' });
  });

  it('after 24 hours it is gone: a reveal says expired, the sweep deletes the rest', async () => {
    const then = new Date(Date.now() - PASSWORD_TTL_MS - 1000);
    const a = await activeGrantWithPassword(then);
    const b = await activeGrantWithPassword(then);
    assert.deepEqual(await f.passwords.reveal(a.grant.id, 'U0DEV00001', new Date()), { ok: false, reason: 'expired' });
    const swept = await f.passwords.sweep(new Date());
    assert.ok(swept.includes(b.grant.id));
    assert.equal((await f.grants.get(b.grant.id))?.passwordState, 'expired');
    assert.deepEqual(await f.passwords.reveal(b.grant.id, 'U0DEV00001', new Date()), { ok: false, reason: 'expired' });
  });
});
