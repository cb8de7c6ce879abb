import { z } from 'zod';
import { requireCluster } from '../src/inventory/names.js';
import { defineCommand } from '../src/slack/command.js';
import { openDiagnoseForm } from '../src/slack/diagnose-form.js';
import { topMessage } from '../src/slack/views/diagnose-top.js';

const CLUSTER = /^[a-z][a-z0-9_-]*$/;

/** `top cluster`; nothing opens the form. */
export const TopArgs = z
  .string()
  .transform((text) => text.trim())
  .pipe(
    z.union([
      z.literal('').transform(() => ({ cluster: null })),
      z
        .string()
        .regex(CLUSTER, 'give one cluster name (e.g. `top prod`)')
        .transform((cluster) => ({ cluster })),
    ]),
  );

export const top = defineCommand({
  verb: 'top',
  usage: 'top cluster',
  summary:
    "What runs now on the cluster's primary: the longest statements and transactions, counts by user and state, and who blocks whom; DBAs get Kill query / Kill connection buttons. Without a cluster it opens a form.",
  example: 'top prod',
  args: TopArgs,
  async run({ cluster }, invocation, deps) {
    if (cluster === null) return openDiagnoseForm('top', invocation, deps);
    const config = requireCluster(deps.config, cluster);
    const diagnostics = deps.diagnostics;
    const [snapshot, dba] = await Promise.all([diagnostics.top(cluster), deps.dbas.isDba(invocation.userId)]);
    await invocation.respond(topMessage(snapshot, { dba, timezone: config.timezone }));
  },
});
