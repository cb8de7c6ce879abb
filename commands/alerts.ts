import { z } from 'zod';
import { requireCluster } from '../src/inventory/names.js';
import { defineCommand } from '../src/slack/command.js';
import { alertListMessage } from '../src/slack/views/alert-list.js';

/** Optional cluster name. */
export const AlertsArgs = z
  .string()
  .transform((text) => text.trim())
  .pipe(
    z.union([
      z.literal(''),
      z.string().regex(/^[a-z][a-z0-9_-]*$/, 'give a cluster name (e.g. prod), or nothing for every cluster'),
    ]),
  );

export const alerts = defineCommand({
  verb: 'alerts',
  usage: 'alerts [cluster]',
  summary:
    'List the alerts firing now, per cluster: severity, instance, value, since when, and who acknowledged or silenced them.',
  example: 'alerts prod',
  args: AlertsArgs,
  async run(name, invocation, deps) {
    if (name) requireCluster(deps.config, name);
    const firing = await deps.alerts.firing(name || undefined);
    const [silences, pending] = await Promise.all([deps.alerts.silences(firing), deps.alerts.pendingCount()]);
    await invocation.respond(
      alertListMessage({ firing, silences, pending, zoneOf: deps.alerts.zoneOf, now: deps.clock.now() }),
    );
  },
});
