import { z } from 'zod';
import type { Since } from '../src/diagnose/slow.js';
import { requireCluster } from '../src/inventory/names.js';
import { defineCommand } from '../src/slack/command.js';
import { openDiagnoseForm } from '../src/slack/diagnose-form.js';
import { slowMessage } from '../src/slack/views/diagnose-slow.js';

export interface SlowArgs {
  cluster: string | null;
  schema?: string;
  since: Since;
}

const SinceWord = z.enum(['1h', '1d', '7d']);

/** `slow cluster [schema] [since 1h|1d|7d]` (the schema may be written `cluster.schema`); nothing opens the form. */
export const SlowArgs = z.string().transform((text, ctx): SlowArgs => {
  let words = text.trim().split(/\s+/).filter(Boolean);
  let since: Since = '1d';
  const at = words.findIndex((w) => w.toLowerCase() === 'since');
  if (at >= 0) {
    const value = SinceWord.safeParse(words[at + 1]?.toLowerCase());
    if (!value.success || words.length > at + 2) {
      ctx.addIssue({
        code: 'custom',
        message: '`since` takes 1h, 1d or 7d, at the end (e.g. `slow prod shop since 7d`)',
      });
      return z.NEVER;
    }
    since = value.data;
    words = words.slice(0, at);
  }
  if (words.length === 0) return { cluster: null, since };
  const [cluster, schema] = words.length === 1 && words[0].includes('.') ? words[0].split('.', 2) : words;
  if (
    words.length > 2 ||
    !/^[a-z][a-z0-9_-]*$/.test(cluster) ||
    (schema !== undefined && !/^[A-Za-z0-9_$-]+$/.test(schema))
  ) {
    ctx.addIssue({
      code: 'custom',
      message: 'give a cluster, then one schema if you like (e.g. `slow prod shop since 1h`)',
    });
    return z.NEVER;
  }
  return schema === undefined ? { cluster, since } : { cluster, schema, since };
});

export const slow = defineCommand({
  verb: 'slow',
  usage: 'slow cluster [schema] [since 1h|1d|7d]',
  summary:
    'The top statement digests by total time (performance_schema when on, else the slow log table; else what to enable), with calls, mean, p95 and rows examined vs sent; the first ones reviewed and EXPLAINed on a replica. Without a cluster it opens a form.',
  example: 'slow prod shop since 1d',
  args: SlowArgs,
  async run({ cluster, schema, since }, invocation, deps) {
    if (cluster === null) return openDiagnoseForm('slow', invocation, deps);
    requireCluster(deps.config, cluster);
    await invocation.respond(slowMessage(await deps.diagnostics.slow(cluster, schema, since)));
  },
});
