import type { DbopsConfig, Environment } from '../config/schema.js';
import { findCluster } from '../config/clusters.js';
import type { ClusterLane } from '../db/pools.js';
import { closest } from '../text/closest.js';
import { personalUserName } from './account.js';
import type { Grant, GrantFilter, GrantStore } from './grant-store.js';
import { inspectAccounts, type AccountReport } from './inspect.js';
import type { GrantRequestText } from './parse.js';
import type { PasswordStore, Reveal } from './password-store.js';
import { type GrantFinding, reviewGrant } from './review.js';
import type { GrantSpec } from './spec.js';
import { checkGrantTarget } from './target-check.js';
import type { RevokeQueue } from './revoke-queue.js';

export type Prepared =
  | { ok: true; spec: GrantSpec; findings: GrantFinding[]; environment: Environment }
  | { ok: false; message: string };

export interface GrantBotDeps {
  config: Pick<DbopsConfig, 'clusters' | 'grants' | 'slack' | 'execution'>;
  /** The bot's lane of the cluster pools: reads of schema and table names, and of accounts. */
  pools: ClusterLane;
  grants: GrantStore;
  /** Null when dbops' key is not in the environment: then no grant may be asked for (`keyProblem` says why). */
  passwords: PasswordStore | null;
  keyProblem: string | undefined;
  queue: RevokeQueue;
  now(): Date;
}

/**
 * The bot's side of grants: a request checked before any ticket exists (cluster, account, least
 * privilege, the target's schema and table, a grant already held), the one-time password, revoke
 * requests, lists. It reads targets only through the bot's pool lane and changes nothing on them.
 */
export class GrantBot {
  constructor(private readonly deps: GrantBotDeps) {}

  get keyProblem(): string | undefined {
    return this.deps.keyProblem;
  }

  get store(): GrantStore {
    return this.deps.grants;
  }

  /** What a request asks for, checked; `slackName` names a personal account when `slack.accounts` does not. */
  async prepare(request: GrantRequestText, requester: string, slackName: string): Promise<Prepared> {
    const { config } = this.deps;
    if (this.deps.keyProblem)
      return { ok: false, message: `dbops cannot hand out passwords yet: ${this.deps.keyProblem}` };
    const cluster = findCluster(config, request.cluster);
    if (!cluster) {
      const near = closest(request.cluster, Object.keys(config.clusters));
      return {
        ok: false,
        message: `cluster \`${request.cluster}\` is not in dbops.yml${near ? ` (did you mean \`${near}\`?)` : ` (known: ${Object.keys(config.clusters).join(', ')})`}`,
      };
    }
    let account = request.account;
    if (!account) {
      const user = personalUserName(requester, slackName, config.slack.accounts ?? {});
      if (!user)
        return {
          ok: false,
          message: `dbops cannot make a MySQL user name from your Slack name: ask a DBA to map your Slack id ${requester} under slack.accounts in dbops.yml, or name the account with to user@'host'`,
        };
      account = { user, host: config.grants.personal_host };
    }
    const spec: GrantSpec = {
      cluster: request.cluster,
      schema: request.schema,
      table: request.table,
      privileges: request.privileges,
      account,
      personal: request.account === null,
      duration_seconds: request.durationSeconds,
      reason: request.reason,
    };
    const review = reviewGrant(spec, {
      environment: cluster.env,
      maxDurationSeconds: config.grants.max_duration[cluster.env],
      dbopsUser: cluster.user,
      backupSchema: config.execution.backup_schema,
    });
    if (review.refused !== null) return { ok: false, message: `${review.refused} (rule \`${review.rule}\`)` };
    const target = await checkGrantTarget(this.deps.pools.replicaOrPrimary(spec.cluster), this.deps.grants, spec);
    if (!target.ok) return { ok: false, message: target.message };
    return { ok: true, spec, findings: review.findings, environment: cluster.env };
  }

  /** The password, once, to the grant's owner. */
  async reveal(grantId: number, user: string): Promise<{ grant: Grant | undefined; reveal: Reveal }> {
    const grant = await this.deps.grants.get(grantId);
    if (!grant || !this.deps.passwords) return { grant, reveal: { ok: false, reason: 'none' } };
    return { grant, reveal: await this.deps.passwords.reveal(grantId, user, this.deps.now()) };
  }

  /** Queue the revoke (the caller checked the policy): a worker takes the privileges back. */
  async revoke(grant: Grant, user: string): Promise<void> {
    await this.deps.queue.revokeNow(grant.id, user);
  }

  list(filter: GrantFilter): Promise<Grant[]> {
    return this.deps.grants.list(filter);
  }

  /** Every account of a cluster, with privileges and risks (DBAs; the caller checked). */
  async accounts(clusterName: string): Promise<AccountReport[]> {
    const cluster = findCluster(this.deps.config, clusterName);
    if (!cluster) throw new Error(`cluster ${clusterName} is not configured`);
    return inspectAccounts(
      this.deps.pools.primary(clusterName),
      await this.deps.grants.activeOn(clusterName),
      cluster.user,
    );
  }
}
