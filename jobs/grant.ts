import { accountSql } from '../src/accounts/account.js';
import { applyGrant } from '../src/accounts/engine.js';
import { GrantSpec, privilegesLabel, scopeLabel } from '../src/accounts/spec.js';
import { code, escapeMrkdwn, section } from '../src/text/blocks.js';
import { formatDuration } from '../src/text/duration.js';
import { defineKind } from '../src/tickets/kind.js';
import { approvalsNeeded } from '../src/tickets/policy.js';

/**
 * `/dbops grant`: privileges on a scope to an account, for a while. Approved per `grants.approvals`
 * (default `policy.approvals`); the job creates the account when it is missing (its random password
 * waits encrypted for its owner), grants exactly the scope, schedules the revoke at expiry and DMs
 * the owner. Every step resumes after a kill (src/accounts/engine.ts); no password is in the
 * payload, the journal, the thread or the job's result.
 */
export const grant = defineKind({
  kind: 'grant',
  name: 'grant',
  payload: GrantSpec,
  title: (p) => `Grant ${privilegesLabel(p.privileges)} on ${scopeLabel(p)} to ${accountSql(p.account)}`,
  details: (p) => [
    section(
      [
        `*Account* ${code(accountSql(p.account))}${p.personal ? ' (the requester’s personal account)' : ''}`,
        `*Privileges* ${escapeMrkdwn(privilegesLabel(p.privileges))} on ${code(scopeLabel(p))}`,
        `*For* ${p.duration_seconds ? formatDuration(p.duration_seconds) : 'no expiry (until revoked)'}`,
        ...(p.reason ? [`*Because* ${escapeMrkdwn(p.reason)}`] : []),
      ].join('\n'),
    ),
  ],
  touches: (p, target) => ({
    touches: p.schema ? [{ cluster: target.cluster, schema: p.schema, access: 'write' }] : [],
    opaque: [],
  }),
  approvals: (_payload, environment, config) =>
    config.grants?.approvals
      ? (config.grants.approvals[environment] ?? approvalsNeeded(environment, config.policy))
      : approvalsNeeded(environment, config.policy),
  options: { attempts: 3, backoff: { type: 'exponential', delay: 2_000 } },
  async process(payload, ctx) {
    const services = ctx.services.grants;
    if (!services) throw new Error('this dbops worker was started without grants (ctx.services.grants)');
    const passwords = services.passwords;
    if (!passwords) throw new Error(`dbops cannot keep a new account's password: ${services.keyProblem ?? 'no key'}`);
    const now = () => new Date();
    const record = await ctx.step('record the grant', { idempotent: true }, async () => {
      const g = await services.store.forTicket(payload, ctx.ticket.requester, ctx.ticket.id, now());
      return { id: g.id };
    });
    const before = await services.store.get(record.id);
    if (!before) throw new Error(`G-${record.id} vanished from the meta database`);
    const target = ctx.clusters.primary(payload.cluster);
    const outcome = await ctx.step('create the account and grant', { idempotent: true }, () =>
      applyGrant(before, { target, grants: services.store, passwords, now }),
    );
    for (const line of outcome.done) await ctx.milestone(line);
    const active = await services.store.get(record.id);
    if (!active) throw new Error(`G-${record.id} vanished from the meta database`);
    if (active.expiresAt) await services.queue.revokeAt(active.id, active.expiresAt, now());
    // A DM Slack refused does not undo the grant: the owner finds it in /dbops grants and App Home.
    await services.announcer
      .ready(active, outcome.createdAccount)
      .catch((err: unknown) => ctx.logger.warn('could not DM the owner of a grant', { grant: active.ref }, err));
    const until = active.expiresAt ? ` until ${active.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
    return {
      summary: `${active.ref}: ${accountSql(active.account)} has ${privilegesLabel(active.privileges)} on ${scopeLabel(active)}${until}.`,
    };
  },
});
