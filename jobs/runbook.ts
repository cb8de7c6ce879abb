import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { runRunbookJob } from '../src/runbooks/job.js';
import { code, section, truncate } from '../src/text/blocks.js';
import { defineKind, targetName } from '../src/tickets/kind.js';
import { runbookApprovals } from '../src/tickets/policy.js';

/**
 * `/dbops run <runbook> [param=value …]`: which runbook of dbops.yml, with the values checked when the
 * ticket was opened (text: ints and durations as whole numbers). Ids and values only: the script's
 * connection and secrets are the worker's.
 */
export const RunbookPayload = z.strictObject({
  runbook: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  params: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/), z.string().max(4000)),
});
export type RunbookPayload = z.infer<typeof RunbookPayload>;

/**
 * Run a DBA's script (src/runbooks/): argv only, a clean environment, the target's connection in a
 * 0600 option file; its output streams to the thread, its log is attached, its exit code decides.
 * Approvals: the runbook's own for the target's environment, else policy.approvals.
 */
export const runbook = defineKind({
  kind: 'runbook',
  name: 'runbook',
  payload: RunbookPayload,
  title: (payload, target) => `Runbook ${payload.runbook} on ${targetName(target)}`,
  details: (payload) => runbookDetailBlocks(payload),
  approvals: (payload, environment, config) => {
    const declared = config.runbooks.find((r) => r.name === payload.runbook);
    // A runbook no longer in dbops.yml cannot run; until the job says so, it needs a DBA at least.
    if (!declared) return Math.max(1, config.policy.approvals[environment] ?? 1);
    return runbookApprovals(declared, environment, config.policy);
  },
  // The schema it is pointed at (a table's or a schema param's) counts as changed: a runbook may write there.
  touches: (_payload, target) => ({
    touches: target.schema ? [{ cluster: target.cluster, schema: target.schema, access: 'write' }] : [],
    opaque: [],
  }),
  process: (payload, ctx) => runRunbookJob(payload, ctx),
});

/** The approval card's and the requester's account of a run: the runbook and each value. */
export function runbookDetailBlocks(payload: RunbookPayload): KnownBlock[] {
  const values = Object.entries(payload.params).map(
    ([name, value]) => `• ${code(name)} = ${value === '' ? '_(empty)_' : code(value)}`,
  );
  const lines = [`*Runbook* ${code(payload.runbook)}`, ...(values.length > 0 ? values : ['_no params_'])];
  return [section(truncate(lines.join('\n'), 2900))];
}
