import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { LifecycleDeps, RevokeResult, SweepResult } from '../src/accounts/lifecycle.js';
import { revokeNow, sweepGrants } from '../src/accounts/lifecycle.js';

/**
 * Grant lifecycle jobs. Not ticket jobs: a revoke needs no approval (its owner or a DBA asks, or
 * time is up) and only takes privileges away. They run on their own queue (`dbops-grants`, under
 * the installation's prefix) in src/wiring/grant-queue.ts: `grant-revoke`, delayed to a grant's
 * expiry when it starts and added at once by Revoke; `grant-sweep`, a job scheduler that catches up
 * whatever the delayed jobs missed (workers down, Redis emptied) and sends reminders.
 */

export const GrantRevokeData = z.strictObject({
  grant_id: z.number().int().positive(),
  /** Slack user id of who revokes, or `dbops` at expiry. */
  by: z.string().min(1),
});
export type GrantRevokeData = z.infer<typeof GrantRevokeData>;

export interface GrantLifecycleJob<D extends z.ZodType, R> {
  name: string;
  data: D;
  options: JobsOptions;
  process(data: z.infer<D>, deps: LifecycleDeps): Promise<R>;
}

export const grantRevoke: GrantLifecycleJob<typeof GrantRevokeData, RevokeResult> = {
  name: 'grant-revoke',
  data: GrantRevokeData,
  /** A target that is down is tried again; the sweep also retries a due grant every run. */
  options: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: 7 * 86_400, count: 1000 },
    removeOnFail: { age: 7 * 86_400 },
  },
  process: (data, deps) => revokeNow(data.grant_id, data.by, deps),
};

export const grantSweep: GrantLifecycleJob<z.ZodObject<Record<string, never>>, SweepResult> = {
  name: 'grant-sweep',
  data: z.strictObject({}),
  options: { attempts: 1, removeOnComplete: true, removeOnFail: { age: 86_400, count: 100 } },
  process: (_data, deps) => sweepGrants(deps),
};

/** The job id of a grant's revoke: one per grant and reason, so two clicks (or a click and expiry at once) queue one. */
export function revokeJobId(grantId: number, reason: 'expiry' | 'now'): string {
  return `grant-${grantId}-revoke-${reason}`;
}
