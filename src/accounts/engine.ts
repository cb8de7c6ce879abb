import type { Pool } from 'mysql2/promise';
import { readServerFlavor } from '../db/schema/server-flavor.js';
import { accountSql } from './account.js';
import type { Grant, GrantStore } from './grant-store.js';
import type { PasswordStore } from './password-store.js';
import type { Privilege } from './privileges.js';
import { scopeLabel } from './spec.js';
import {
  AccountSqlError,
  accountExists,
  createUserStatement,
  grantStatement,
  onlyUsage,
  revokeStatement,
  runOnTarget,
  showGrants,
} from './target-sql.js';

export interface AccountEngineDeps {
  /** The grant's cluster primary (the jobs' lane). */
  target: Pool;
  grants: GrantStore;
  passwords: PasswordStore;
  now(): Date;
}

export interface GrantOutcome {
  /** dbops created the account (its password waits for the owner); false: it existed and keeps its password. */
  createdAccount: boolean;
  /** What was done, in words for the ticket's thread (never a password). */
  done: string[];
}

/**
 * Carries out an approved grant. Every step can run again after a worker died anywhere in it:
 * whether the account existed is recorded once (before anything is created), the password is
 * stored encrypted before CREATE USER and the same one is used again, CREATE USER is IF NOT EXISTS
 * and GRANT adds nothing twice. So a run killed between CREATE USER and GRANT resumes with the
 * same account and password and still grants.
 */
export async function applyGrant(grant: Grant, deps: AccountEngineDeps): Promise<GrantOutcome> {
  if (grant.state !== 'requested' && grant.state !== 'active')
    throw new Error(`${grant.ref} is ${grant.state}: nothing to grant`);
  const account = accountSql(grant.account);
  const existed =
    grant.accountExisted ??
    (await deps.grants.recordAccountExisted(grant.id, await accountExists(deps.target, grant.account), deps.now()));
  const done: string[] = [];
  if (!existed) {
    const password = await deps.passwords.ensure(grant.id, deps.now());
    const flavor = await readServerFlavor(deps.target);
    const create = createUserStatement(grant.account, password, flavor);
    await runOnTarget(deps.target, `creating ${account}`, create.sql, create.values);
    done.push(`created the account ${account} with a random password (sent privately to its owner)`);
  } else {
    await deps.passwords.discard(grant.id);
    done.push(`the account ${account} exists already: its password is unchanged`);
  }
  await runOnTarget(deps.target, `granting on ${scopeLabel(grant)}`, grantStatement(grant, grant.privileges));
  done.push(`granted ${grant.privileges.join(', ')} on ${scopeLabel(grant)} to ${account}`);
  if (grant.state === 'requested') await deps.grants.activate(grant.id, deps.now(), !existed);
  return { createdAccount: !existed, done };
}

export interface RevokeOptions {
  /** Who revokes (a Slack user id, or `dbops` at expiry). */
  by: string;
  /** grants.drop_empty_personal_accounts. */
  dropEmptyPersonal: boolean;
}

export interface RevokeOutcome {
  revoked: Privilege[];
  /** Privileges left in place because another active grant of the same account on the same scope holds them. */
  kept: Privilege[];
  dropped: boolean;
  done: string[];
}

/** MySQL's answer when the account has no grant at that level at all: nothing left to revoke. */
const NOTHING_TO_REVOKE = new Set([1141, 1147]);

/**
 * Takes back what a grant gave, except what another active grant of the same account on the same
 * scope still holds; drops a personal account left with nothing but USAGE (when configured). Safe
 * to run again: a second REVOKE finds nothing, the account is dropped IF EXISTS.
 */
export async function revokeGrant(
  grant: Grant,
  deps: AccountEngineDeps,
  options: RevokeOptions,
): Promise<RevokeOutcome> {
  const account = accountSql(grant.account);
  const others = (await deps.grants.sameScope(grant, grant.id)).filter((g) => g.state === 'active');
  const held = new Set(others.flatMap((g) => g.privileges));
  const revoked = grant.privileges.filter((p) => !held.has(p));
  const kept = grant.privileges.filter((p) => held.has(p));
  const done: string[] = [];
  if (revoked.length > 0) {
    try {
      await runOnTarget(deps.target, `revoking on ${scopeLabel(grant)}`, revokeStatement(grant, revoked));
    } catch (err) {
      if (!(err instanceof AccountSqlError && err.errno !== undefined && NOTHING_TO_REVOKE.has(err.errno))) throw err;
    }
    done.push(`revoked ${revoked.join(', ')} on ${scopeLabel(grant)} from ${account}`);
  }
  if (kept.length > 0)
    done.push(
      `kept ${kept.join(', ')}: ${others.map((g) => g.ref).join(', ')} still grant${others.length === 1 ? 's' : ''} it`,
    );
  let dropped = false;
  if (grant.personal && options.dropEmptyPersonal && (await accountExists(deps.target, grant.account))) {
    const activeElsewhere = (await deps.grants.list({ cluster: grant.cluster, states: ['active'] }, 10_000)).some(
      (g) =>
        g.id !== grant.id &&
        g.account.user === grant.account.user &&
        g.account.host.toLowerCase() === grant.account.host.toLowerCase(),
    );
    if (!activeElsewhere && onlyUsage(await showGrants(deps.target, grant.account))) {
      await runOnTarget(deps.target, `dropping ${account}`, `DROP USER IF EXISTS ${account}`);
      dropped = true;
      done.push(`dropped the personal account ${account}: it had no privileges left`);
    }
  }
  await deps.grants.markRevoked(grant.id, options.by, dropped, deps.now());
  await deps.passwords.discard(grant.id);
  return { revoked, kept, dropped, done };
}
