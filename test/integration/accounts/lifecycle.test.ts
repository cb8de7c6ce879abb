import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { applyGrant, type AccountEngineDeps, type RevokeOutcome } from '../../../src/accounts/engine.js';
import type { Grant } from '../../../src/accounts/grant-store.js';
import { type GrantAnnouncer, type LifecycleDeps, sweepGrants } from '../../../src/accounts/lifecycle.js';
import type { GrantSpec } from '../../../src/accounts/spec.js';
import { checkGrantTarget } from '../../../src/accounts/target-check.js';
import { inspectAccounts } from '../../../src/accounts/inspect.js';
import { GrantQueue, GrantWorker } from '../../../src/wiring/grant-queue.js';
import { newInstallationId } from '../../../src/db/installation.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { installationPrefix } from '../../../src/queue/queues.js';
import { flushInstallationKeys } from '../../support/redis-keys.js';
import { waitUntil } from '../../support/wait.js';
import { openAccountsFixture, tryAs, type AccountsFixture } from './fixture.js';

let f: AccountsFixture;
before(async () => {
  f = await openAccountsFixture();
});
after(() => f.close());

/** What the lifecycle told people, as Slack would have been told. */
class RecordingAnnouncer implements GrantAnnouncer {
  readonly said: string[] = [];
  async ready(grant: Grant) {
    this.said.push(`ready ${grant.ref}`);
  }
  async revoked(grant: Grant, outcome: RevokeOutcome, by: string) {
    this.said.push(`revoked ${grant.ref} by ${by}: ${outcome.revoked.join(',')}${outcome.dropped ? ' dropped' : ''}`);
  }
  async endsSoon(grant: Grant) {
    this.said.push(`ends soon ${grant.ref}`);
  }
}

function lifecycle(announcer: GrantAnnouncer, now: () => Date = () => new Date()): LifecycleDeps {
  const engine: AccountEngineDeps = { target: f.target, grants: f.grants, passwords: f.passwords, now };
  return {
    engine: () => engine,
    grants: f.grants,
    passwords: f.passwords,
    announcer,
    dropEmptyPersonal: true,
    now,
    logger: silentLogger(),
  };
}

const spec = (user: string, over: Partial<GrantSpec> = {}): GrantSpec => ({
  cluster: 'test',
  schema: f.schema,
  table: 'orders',
  privileges: ['SELECT'],
  account: { user, host: '%' },
  personal: true,
  duration_seconds: 20,
  reason: null,
  ...over,
});

async function activeGrant(user: string, over: Partial<GrantSpec> = {}) {
  const grant = await f.grants.create(spec(user, over), 'U0DEV00001', null, new Date());
  await applyGrant(grant, { target: f.target, grants: f.grants, passwords: f.passwords, now: () => new Date() });
  const reveal = await f.passwords.reveal(grant.id, 'U0DEV00001', new Date());
  assert.ok(reveal.ok);
  const active = await f.grants.get(grant.id);
  assert.ok(active?.grantedAt);
  return { grant: active, password: reveal.password };
}

describe('grant lifecycle', () => {
  it('the sweep reminds a tenth of the duration before the end, then revokes at the end, once', async () => {
    const user = f.user('swp');
    const { grant, password } = await activeGrant(user);
    const granted = grant.grantedAt?.getTime() ?? 0;
    const announcer = new RecordingAnnouncer();
    const at = (seconds: number) => () => new Date(granted + seconds * 1000);
    assert.deepEqual((await sweepGrants(lifecycle(announcer, at(10)))).reminded, []);
    assert.deepEqual((await sweepGrants(lifecycle(announcer, at(18.5)))).reminded, [grant.id]);
    assert.deepEqual((await sweepGrants(lifecycle(announcer, at(19)))).reminded, [], 'reminded once');
    assert.equal(await tryAs(user, password, `SELECT id FROM \`${f.schema}\`.orders`), 'ok');
    const swept = await sweepGrants(lifecycle(announcer, at(21)));
    assert.deepEqual(swept.expired, [grant.id]);
    assert.deepEqual(announcer.said, [`ends soon ${grant.ref}`, `revoked ${grant.ref} by dbops: SELECT dropped`]);
    // MariaDB answers 1045 or 1698 for an account that is gone; either way nobody logs in.
    assert.match(
      await tryAs(user, password, `SELECT id FROM \`${f.schema}\`.orders`),
      /^ER_ACCESS_DENIED/,
      'the account is gone',
    );
    assert.deepEqual((await sweepGrants(lifecycle(announcer, at(30)))).expired, [], 'nothing twice');
  });

  it('a delayed revoke job on real Redis takes the privileges at expiry; a second ask is the same job', async () => {
    const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const prefix = installationPrefix('bull', newInstallationId());
    const queueName = `dbops-grants-${randomBytes(3).toString('hex')}`;
    const announcer = new RecordingAnnouncer();
    const worker = await GrantWorker.start({
      connection: redis,
      prefix,
      queueName,
      deps: lifecycle(announcer),
      sweepSeconds: 3600,
      logger: silentLogger(),
    });
    const queue = new GrantQueue({ connection: redis, prefix, queueName });
    try {
      const user = f.user('job');
      const { grant, password } = await activeGrant(user, { personal: false, duration_seconds: null });
      await queue.revokeAt(grant.id, new Date(Date.now() + 300), new Date());
      await queue.revokeAt(grant.id, new Date(Date.now() + 300), new Date());
      await waitUntil(async () => (await f.grants.get(grant.id))?.state === 'revoked', 10_000, 'the delayed revoke');
      // The revoke is announced after its state changed: wait for that too before counting.
      await waitUntil(async () => announcer.said.some((line) => line.includes(grant.ref)), 10_000, 'the announcement');
      assert.equal(await tryAs(user, password, `SELECT id FROM \`${f.schema}\`.orders`), 'ER_TABLEACCESS_DENIED_ERROR');
      assert.deepEqual(
        announcer.said.filter((line) => line.includes(grant.ref)),
        [`revoked ${grant.ref} by dbops: SELECT`],
        'announced once',
      );
    } finally {
      await queue.close();
      await worker.close();
      await flushInstallationKeys(redis, prefix);
      await redis.quit();
    }
  });

  it('before a ticket: unknown schema or table with the closest name; a grant already held names its G-', async () => {
    const user = f.user('chk');
    const typo = f.schema.slice(0, -1);
    assert.match(
      JSON.stringify(await checkGrantTarget(f.target, f.grants, spec(user, { schema: typo }))),
      new RegExp(`no schema \`${typo}\` on test \\(did you mean \`${f.schema}\`\\?\\)`),
    );
    assert.match(
      JSON.stringify(await checkGrantTarget(f.target, f.grants, spec(user, { table: 'order' }))),
      /no table `order` in .* \(did you mean `orders`\?\)/,
    );
    assert.deepEqual(await checkGrantTarget(f.target, f.grants, spec(user)), { ok: true });
    const { grant } = await activeGrant(user, { privileges: ['SELECT', 'INSERT'] });
    const again = await checkGrantTarget(f.target, f.grants, spec(user));
    assert.equal(!again.ok && again.duplicateOf, grant.ref);
    assert.deepEqual(await checkGrantTarget(f.target, f.grants, spec(user, { privileges: ['UPDATE'] })), { ok: true });
  });

  it('/dbops accounts: privileges per account, and what is risky', async () => {
    const known = f.user('known');
    const { grant } = await activeGrant(known);
    const stranger = f.user('stranger');
    await f.target.query(`CREATE USER '${stranger}'@'%'`);
    await f.target.query(`GRANT PROCESS ON *.* TO '${stranger}'@'%'`);
    const reports = await inspectAccounts(f.target, await f.grants.activeOn('test'), 'root');
    const of = (user: string) => reports.find((r) => r.account.user === user);
    assert.deepEqual(of(known)?.grants, [grant.ref]);
    assert.deepEqual(of(known)?.risks, []);
    assert.deepEqual(of(known)?.privileges, [`SELECT on ${f.schema}.orders`]);
    assert.deepEqual(of(stranger)?.risks, [
      'no password',
      'host % with global privileges (PROCESS)',
      'unknown to dbops',
    ]);
    assert.ok(
      reports.every((r) => !/\*[0-9A-F]{40}/.test(JSON.stringify(r))),
      'no password hash',
    );
  });
});
