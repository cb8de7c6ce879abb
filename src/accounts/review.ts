import type { Environment } from '../config/schema.js';
import { formatDuration } from '../text/duration.js';
import { accountSql, protectedAccountReason } from './account.js';
import { DANGEROUS_PRIVILEGES } from './privileges.js';
import { type GrantSpec, scopeLabel } from './spec.js';

/**
 * The least-privilege review of a grant request, like the SQL review: named rules, each finding
 * says what is wrong, why, and how to ask instead. Errors block the ticket unless a DBA grants an
 * exception; a refusal stops the request before any ticket exists.
 */
export const GRANT_RULES = {
  /** ALL, SUPER, GRANT OPTION, FILE, PROCESS, SHUTDOWN, CREATE USER: an error everywhere. */
  dangerousPrivilege: 'grant.privilege.dangerous',
  /** `*.*`: an error on prod, a warning elsewhere. */
  everySchema: 'grant.scope.every-schema',
  /** Host `%` on prod: a warning. */
  anyHost: 'grant.host.any',
  /** Longer than grants.max_duration for the environment: refused. */
  maxDuration: 'grant.duration.max',
  /** A system schema, dbops' backup schema, or a server/dbops account: refused. */
  protectedTarget: 'grant.target.protected',
} as const;

export interface GrantFinding {
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  fix: string;
}

export interface GrantReviewContext {
  environment: Environment;
  /** grants.max_duration for the environment, in seconds (undefined: no limit). */
  maxDurationSeconds: number | undefined;
  /** The cluster's own user (dbops'): never granted to. */
  dbopsUser: string;
  /** execution.backup_schema: holds rows of every schema, so no grant may name it. */
  backupSchema: string;
}

export type GrantReview = { refused: string; rule: string } | { refused: null; findings: GrantFinding[] };

const SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'];

export function reviewGrant(spec: GrantSpec, ctx: GrantReviewContext): GrantReview {
  const refusal = refusalOf(spec, ctx);
  if (refusal) return refusal;
  const findings: GrantFinding[] = [];
  const dangerous = spec.privileges.filter((p) => DANGEROUS_PRIVILEGES.includes(p));
  if (dangerous.length > 0)
    findings.push({
      rule: GRANT_RULES.dangerousPrivilege,
      severity: 'error',
      message: `${dangerous.join(', ')} ${dangerous.length === 1 ? 'gives' : 'give'} far more than one application needs (server files, other sessions, accounts or shutdown)`,
      fix: 'ask for the specific privileges the work needs, e.g. SELECT or SELECT,INSERT,UPDATE,DELETE',
    });
  if (spec.schema === null)
    findings.push({
      rule: GRANT_RULES.everySchema,
      severity: ctx.environment === 'prod' ? 'error' : 'warning',
      message: `${scopeLabel(spec)} covers every schema of the cluster, present and future`,
      fix: `name the schema (${spec.cluster}.shop) or the table (${spec.cluster}.shop.orders)`,
    });
  if (ctx.environment === 'prod' && spec.account.host === '%')
    findings.push({
      rule: GRANT_RULES.anyHost,
      severity: 'warning',
      message: `${accountSql(spec.account)} may log in from any host`,
      fix: "name the hosts the account connects from, e.g. to app@'10.0.%'",
    });
  return { refused: null, findings };
}

function refusalOf(spec: GrantSpec, ctx: GrantReviewContext): GrantReview | undefined {
  const schema = spec.schema?.toLowerCase();
  if (schema && SYSTEM_SCHEMAS.includes(schema))
    return {
      rule: GRANT_RULES.protectedTarget,
      refused: `\`${spec.schema}\` is a system schema of the server: dbops grants nothing on it (it holds accounts and password hashes)`,
    };
  if (schema && schema === ctx.backupSchema.toLowerCase())
    return {
      rule: GRANT_RULES.protectedTarget,
      refused: `\`${spec.schema}\` is dbops' backup schema: it holds rows of every schema, so dbops grants nothing on it`,
    };
  const account = protectedAccountReason(spec.account, ctx.dbopsUser);
  if (account) return { rule: GRANT_RULES.protectedTarget, refused: `${account}: dbops grants nothing to it` };
  if (
    spec.duration_seconds !== null &&
    ctx.maxDurationSeconds !== undefined &&
    spec.duration_seconds > ctx.maxDurationSeconds
  )
    return {
      rule: GRANT_RULES.maxDuration,
      refused: `${formatDuration(spec.duration_seconds)} is longer than grants.max_duration allows on ${ctx.environment} (${formatDuration(ctx.maxDurationSeconds)}): ask for ${formatDuration(ctx.maxDurationSeconds)} or less, and extend it later if needed`,
    };
  return undefined;
}
