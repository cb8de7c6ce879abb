import { z } from 'zod';
import { requireCluster } from '../src/inventory/names.js';
import { defineCommand } from '../src/slack/command.js';
import { openDiagnoseForm } from '../src/slack/diagnose-form.js';
import { spaceMessage } from '../src/slack/views/diagnose-space.js';

/** `space cluster [schema]` (or `cluster.schema`); nothing opens the form. */
export const SpaceArgs = z.string().transform((text, ctx): { cluster: string | null; schema?: string } => {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { cluster: null };
  const [first, second] = words.length === 1 && words[0].includes('.') ? words[0].split('.', 2) : words;
  if (
    words.length > 2 ||
    !/^[a-z][a-z0-9_-]*$/.test(first) ||
    (second !== undefined && !/^[A-Za-z0-9_$-]+$/.test(second))
  ) {
    ctx.addIssue({ code: 'custom', message: 'give a cluster and, if you like, one schema (e.g. `space prod shop`)' });
    return z.NEVER;
  }
  return second === undefined ? { cluster: first } : { cluster: first, schema: second };
});

export const space = defineCommand({
  verb: 'space',
  usage: 'space cluster [schema]',
  summary:
    "The biggest schemas and tables on the cluster's primary (data, index, free), growth per day from the monitor's samples, and the days until `disk_bytes` or a schema's size limit. Without a cluster it opens a form.",
  example: 'space prod shop',
  args: SpaceArgs,
  async run({ cluster, schema }, invocation, deps) {
    if (cluster === null) return openDiagnoseForm('space', invocation, deps);
    requireCluster(deps.config, cluster);
    await invocation.respond(spaceMessage(await deps.diagnostics.space(cluster, schema)));
  },
});
