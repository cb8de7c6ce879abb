import { z } from 'zod';
import { requireCluster } from '../src/inventory/names.js';
import { UsageError } from '../src/kernel/errors.js';
import { requestSwitchover } from '../src/requests/switchover.js';
import { defineCommand } from '../src/slack/command.js';
import { openDiagnoseForm } from '../src/slack/diagnose-form.js';
import { requestAnswerMessage } from '../src/slack/views/request-answer.js';

/** `cluster [to host:port]`. */
export const SwitchoverArgs = z
  .string()
  .transform((text) => text.trim())
  .pipe(
    z
      .string()
      .regex(
        /^(?:[a-z][a-z0-9_-]*(?:\s+to\s+[^\s:]+:\d{1,5})?)?$/,
        'give a cluster, and optionally the new primary: `switchover prod` or `switchover prod to 10.0.0.2:3306`',
      ),
  )
  .transform((text) => {
    const [cluster = '', , to] = text.split(/\s+/);
    return { cluster, to: to ?? null };
  });

export const switchover = defineCommand({
  verb: 'switchover',
  usage: 'switchover cluster [to host:port]',
  summary:
    'Move a cluster’s primary to a replica (upgrades, host moves): a ticket whose card shows the topology, the new primary and why (caught up, same site, fewest connections, lowest QPS) and the pre-checks; once a DBA approves, each step is posted with its time, ending with a write verified through a replica. dbops then takes the new primary as the cluster’s. Without a cluster it opens a form.',
  example: 'switchover prod to 10.0.0.2:3306',
  args: SwitchoverArgs,
  async run({ cluster, to }, invocation, deps) {
    if (!cluster) return openDiagnoseForm('switchover', invocation, deps);
    requireCluster(deps.config, cluster);
    if (!deps.ha) throw new UsageError('this dbops was started without switchovers');
    const plan = await deps.ha.plan(cluster, to);
    await invocation.respond(
      requestAnswerMessage(
        await requestSwitchover(
          {
            user: invocation.userId,
            cluster,
            plan,
            requested: to !== null,
            sourceKey: `switchover:${invocation.triggerId ?? `${invocation.userId}:${deps.clock.now().getTime()}`}`,
            channel: invocation.channelId,
          },
          deps,
        ),
      ),
    );
  },
});
