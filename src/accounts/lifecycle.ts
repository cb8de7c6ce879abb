import type { Logger } from '../kernel/logger.js';
import { type AccountEngineDeps, type RevokeOutcome, revokeGrant } from './engine.js';
import type { Grant } from './grant-store.js';

/** What the grant lifecycle tells people; src/slack implements it (the engine never imports Slack). */
export interface GrantAnnouncer {
  /** The grant is in place: its owner gets a DM (with Show password when dbops created the account). */
  ready(grant: Grant, createdAccount: boolean): Promise<void>;
  /** The grant was revoked (by someone, or by dbops at expiry): its ticket's thread and its owner. */
  revoked(grant: Grant, outcome: RevokeOutcome, by: string): Promise<void>;
  /** The grant ends soon: its owner gets a DM with Extend… and Revoke. */
  endsSoon(grant: Grant): Promise<void>;
}

export interface LifecycleDeps {
  engine(cluster: string): AccountEngineDeps;
  grants: AccountEngineDeps['grants'];
  passwords: AccountEngineDeps['passwords'];
  announcer: GrantAnnouncer;
  dropEmptyPersonal: boolean;
  now(): Date;
  logger: Logger;
}

export type RevokeResult = { revoked: true; outcome: RevokeOutcome } | { revoked: false; state: string };

/**
 * Revokes one grant now (a Revoke button, `/dbops revoke`, or its expiry). Safe to run twice: a
 * grant no longer active is left alone, and the REVOKE itself is idempotent; only the run whose
 * compare-and-set ends the grant announces it.
 */
export async function revokeNow(grantId: number, by: string, deps: LifecycleDeps): Promise<RevokeResult> {
  const grant = await deps.grants.get(grantId);
  if (!grant) throw new Error(`G-${grantId} does not exist`);
  if (grant.state !== 'active') return { revoked: false, state: grant.state };
  const outcome = await revokeGrant(grant, deps.engine(grant.cluster), {
    by,
    dropEmptyPersonal: deps.dropEmptyPersonal,
  });
  const after = await deps.grants.get(grantId);
  if (after?.revokedBy === by && after.state === 'revoked') await deps.announcer.revoked(after, outcome, by);
  return { revoked: true, outcome };
}

export interface SweepResult {
  expired: number[];
  reminded: number[];
  passwordsDropped: number[];
}

/**
 * What time does to grants, caught up whenever it runs (so workers that were down catch up at
 * start): revoke those whose time is up, remind owners of those ending soon, delete passwords
 * nobody opened within 24 hours. One failing grant does not stop the others.
 */
export async function sweepGrants(deps: LifecycleDeps): Promise<SweepResult> {
  const now = deps.now();
  const expired: number[] = [];
  for (const grant of await deps.grants.due(now)) {
    try {
      const result = await revokeNow(grant.id, 'dbops', deps);
      if (result.revoked) expired.push(grant.id);
    } catch (err) {
      deps.logger.warn('could not revoke an expired grant; the next sweep tries again', { grant: grant.ref }, err);
    }
  }
  const reminded: number[] = [];
  for (const grant of await deps.grants.toRemind(now)) {
    if (!(await deps.grants.claimReminder(grant.id, now))) continue;
    try {
      await deps.announcer.endsSoon(grant);
      reminded.push(grant.id);
    } catch (err) {
      deps.logger.warn('could not tell the owner a grant ends soon', { grant: grant.ref }, err);
    }
  }
  const passwordsDropped = await deps.passwords.sweep(now);
  return { expired, reminded, passwordsDropped };
}
