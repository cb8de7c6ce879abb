import type { KnownBlock } from '@slack/types';
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { haSettings } from '../src/config/schema.js';
import { endpointName } from '../src/db/connection-options.js';
import { runHook } from '../src/ha/hooks.js';
import { SwitchoverPlan } from '../src/ha/plan.js';
import { runSwitchover, SwitchoverFailed } from '../src/ha/switchover.js';
import { applyTopology } from '../src/ha/topology.js';
import { own } from '../src/own.js';
import type { JobContext, JobResult } from '../src/queue/job-kind.js';
import { code, context, section, truncate } from '../src/text/blocks.js';
import { defineKind } from '../src/tickets/kind.js';
import { approvalsNeeded } from '../src/tickets/policy.js';

/**
 * `/dbops switchover cluster [to host:port]`, or a DBA's "Fail over to X" on a primary-down alert:
 * the candidate the card showed, with the plan (topology, reasons, pre-checks) as read when the
 * ticket was opened. The job reads everything again before it changes anything.
 */
export const SwitchoverPayload = z.strictObject({
  mode: z.enum(['switchover', 'failover']),
  /** `host:port` of the replica to promote. */
  candidate: z.string().regex(/^[^\s:]+:\d{1,5}$/),
  /** Whether the DBA named it (`to host:port`) rather than dbops choosing it. */
  requested: z.boolean(),
  /**
   * dbops' own failover, started by the failure detector on a cluster with `ha.auto_failover`: it
   * needs no DBA. The job refuses it when the cluster's `auto_failover` is off by then.
   */
  automatic: z.literal(true).optional(),
  plan: SwitchoverPlan,
});
export type SwitchoverPayload = z.infer<typeof SwitchoverPayload>;

export const switchover = defineKind({
  kind: 'switchover',
  name: 'switchover',
  payload: SwitchoverPayload,
  title: (payload, target) =>
    `${payload.mode === 'failover' ? 'Failover' : 'Switchover'} of ${target.cluster} to ${payload.candidate}`,
  details: (payload) => switchoverDetailBlocks(payload),
  // It changes which server takes writes, not a schema: nothing for the protected-target check.
  touches: () => ({ touches: [], opaque: [] }),
  // A DBA always, whatever the environment's policy; none for dbops' own failover (`ha.auto_failover`).
  approvals: (payload, environment, config) =>
    payload.automatic ? 0 : Math.max(1, approvalsNeeded(environment, config.policy)),
  // The primary is down: a failover does not wait for peak hours to end (a planned switchover does).
  urgent: (payload) => payload.mode === 'failover',
  process: (payload, ctx) => runSwitchoverJob(payload, ctx),
});

async function runSwitchoverJob(payload: SwitchoverPayload, ctx: JobContext): Promise<JobResult> {
  const ha = ctx.services.ha;
  if (!ha) throw new UnrecoverableError('this worker runs no switchovers (it was started without them)');
  const name = ctx.ticket.cluster;
  const cluster = own(ha.clusters, name);
  if (!cluster) throw new UnrecoverableError(`cluster ${name} is not in this worker's dbops.yml`);
  const primary = endpointName(cluster.primary);
  if (primary !== payload.plan.primary.name)
    throw new UnrecoverableError(
      `the primary of ${name} is now ${primary}, not ${payload.plan.primary.name} as when ${ctx.ticket.ref} was opened: nothing was changed; ask again`,
    );
  const settings = haSettings(cluster);
  if (payload.automatic && !(payload.mode === 'failover' && settings.auto_failover))
    throw new UnrecoverableError(
      `${ctx.ticket.ref} is an automatic failover, but ha.auto_failover is off for ${name} now: nothing was changed; a DBA decides (the alert's "Fail over" button)`,
    );
  const hooks = settings.hooks;
  const startedAt = Date.now();
  return ctx.step(
    'switchover',
    {
      idempotent: false,
      interrupted: async () =>
        `the ${payload.mode} was under way when its worker stopped; dbops does not run it again. Look at the cluster (\`/dbops clusters ${name}\`) before anything else.`,
    },
    async () => {
      try {
        const outcome = await runSwitchover({
          mode: payload.mode,
          clusterName: name,
          cluster,
          candidate: payload.candidate,
          settings,
          secrets: ha.secrets,
          installation: ctx.installation,
          ticketRef: ctx.ticket.ref,
          report: {
            milestone: (t) => ctx.milestone(t),
            progress: (f, m) => ctx.progress(f, m),
            log: (l) => ctx.log(l),
          },
          signal: ctx.signal,
          hook:
            hooks.before || hooks.after
              ? async (which, facts) => {
                  const argv = hooks[which];
                  if (!argv) return;
                  await runHook({
                    argv,
                    which,
                    cluster: name,
                    ...facts,
                    timeoutMs: settings.hook_timeout_seconds * 1000,
                    signal: ctx.signal,
                    scrub: ha.scrub,
                    line: (l) => ctx.log(l),
                  });
                }
              : undefined,
          record: async (topology) => {
            const row = { cluster: name, ...topology, ticketId: ctx.ticket.id, reason: payload.mode };
            await ha.topology.record(row);
            applyTopology(ha.clusters, [{ ...row, changedAt: new Date().toISOString() }]);
          },
        });
        const times = outcome.timings.map((t) => `${t.step} ${seconds(t.ms)}`).join('; ');
        const approvedAt = approvalTime(ctx.ticket);
        const toVerifiedMs = Math.max(0, outcome.verifiedAt - approvedAt);
        const queuedMs = Math.max(0, startedAt - approvedAt);
        await ctx.milestone(
          `⏱ approval → verified write ${seconds(toVerifiedMs)} (a worker took it after ${seconds(queuedMs)}; writes blocked ${seconds(outcome.writeBlockedMs)})`,
        );
        return {
          summary: `${outcome.newPrimary} is the primary of ${name}; ${outcome.oldPrimary} ${payload.mode === 'switchover' ? 'is a read-only replica of it' : outcome.oldPrimaryFenced ? 'answered again and was set read-only (fenced); it is recorded as a replica: rebuild it before it rejoins' : 'is down, not fenced, and recorded as a replica: rebuild it before it rejoins'}. Writes were blocked ${seconds(outcome.writeBlockedMs)}; approval → verified write ${seconds(toVerifiedMs)}.`,
          details: {
            timings: outcome.timings,
            writeBlockedMs: outcome.writeBlockedMs,
            approvalToVerifiedMs: toVerifiedMs,
            queuedMs,
            steps: times,
          },
        };
      } catch (err) {
        if (err instanceof SwitchoverFailed) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
  );
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** When the ticket was approved: its last DBA approval, else (dbops' own approval) when it was opened. */
function approvalTime(ticket: JobContext['ticket']): number {
  return Math.max(ticket.createdAt.getTime(), ...ticket.approvals.map((a) => a.at.getTime()));
}

/** The card: topology, the candidate and why, and each pre-check. */
export function switchoverDetailBlocks(payload: SwitchoverPayload): KnownBlock[] {
  const { plan } = payload;
  const site = (s: string | null) => (s ? ` (site ${s})` : '');
  const topology = [
    `*Primary* ${code(plan.primary.name)}${site(plan.primary.site)}`,
    ...plan.ranking.map(
      (r) =>
        `• replica ${code(r.name)}${site(r.site)} — ${r.behind === 0 ? 'caught up' : `${r.behind} behind`}, ${r.connections} connections, ${r.qps} QPS${r.refusal ? ` — cannot be promoted: ${r.refusal}` : ''}`,
    ),
  ];
  const why = plan.why.length > 0 ? plan.why.join(', ') : 'none';
  const candidate = `*New primary* ${code(payload.candidate)} — ${payload.requested ? `named by the requester; ${why}` : why}`;
  const checks = plan.checks.map((c) => `${c.ok ? '✅' : '❌'} *${c.name}*: ${c.detail}`);
  return [
    section(truncate(topology.join('\n'), 2900)),
    section(truncate(candidate, 2900)),
    section(truncate(`*Pre-checks*\n${checks.join('\n')}`, 2900)),
    context('The job reads every instance again before it changes anything, and posts each step with its time.'),
  ];
}
