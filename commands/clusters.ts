import { z } from 'zod';
import { requireCluster } from '../src/inventory/names.js';
import { defineCommand } from '../src/slack/command.js';
import { clusterListMessage } from '../src/slack/views/cluster-list.js';

/** Optional cluster name: `clusters` lists all, `clusters prod` one. */
export const ClustersArgs = z
  .string()
  .transform((text) => text.trim())
  .pipe(
    z.union([
      z.literal(''),
      z.string().regex(/^[a-z][a-z0-9_-]*$/, 'give a cluster name (e.g. prod), or nothing for all clusters'),
    ]),
  );

export const clusters = defineCommand({
  verb: 'clusters',
  usage: 'clusters [cluster]',
  summary:
    'List the clusters: environment, primary and replicas, version, reachability and the role each instance really has (read_only, replica status), with every difference from dbops.yml.',
  example: 'clusters prod',
  args: ClustersArgs,
  async run(name, invocation, deps) {
    if (name) requireCluster(deps.config, name);
    const [views, firing] = await Promise.all([
      deps.inventory.describeClusters(name || undefined),
      deps.alerts.firing(name || undefined),
    ]);
    const counts = new Map<string, number>();
    for (const alert of firing) counts.set(alert.cluster, (counts.get(alert.cluster) ?? 0) + 1);
    await invocation.respond(clusterListMessage(views, counts));
  },
});
