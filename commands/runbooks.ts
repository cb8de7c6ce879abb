import { z } from 'zod';
import { ENVIRONMENTS } from '../src/config/schema.js';
import { defineCommand } from '../src/slack/command.js';
import { runbookListMessage } from '../src/slack/views/runbooks.js';
import { runbookApprovals } from '../src/tickets/policy.js';
import type { DbopsConfig } from '../src/config/schema.js';
import type { Runbook } from '../src/config/runbook-schema.js';

export const runbooks = defineCommand({
  verb: 'runbooks',
  usage: 'runbooks',
  summary:
    'List the runbooks (DBAs’ scripts dbops runs as tickets) with their params, approvals and timeout; each has a Run… button.',
  example: 'runbooks',
  args: z.string(),
  async run(_args, invocation, deps) {
    await invocation.respond(runbookListMessage(deps.config.runbooks, (r) => approvalsText(r, deps.config)));
  },
});

/** `prod 1 · staging 1 · test 0` for the environments the runbook may run in and the config has clusters of. */
export function approvalsText(runbook: Runbook, config: Pick<DbopsConfig, 'clusters' | 'policy'>): string {
  const present = new Set(Object.values(config.clusters).map((c) => c.env));
  const envs = ENVIRONMENTS.filter((env) => present.has(env) && (!runbook.envs || runbook.envs.includes(env)));
  return (
    envs.map((env) => `${env} ${runbookApprovals(runbook, env, config.policy)}`).join(' · ') || 'no cluster to run on'
  );
}
