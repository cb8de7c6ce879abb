import { z } from 'zod';
import { parseTargetName, requireCluster, type TargetName } from '../src/inventory/names.js';
import { defineCommand } from '../src/slack/command.js';
import { schemaMetaMessage, tableMetaMessage } from '../src/slack/views/cluster-meta.js';

/** `cluster.schema` or `cluster.schema.table`. */
export const MetaArgs = z.string().transform((text, ctx): TargetName => {
  const target = parseTargetName(text);
  if (!target) {
    ctx.addIssue({
      code: 'custom',
      message:
        text.trim() === ''
          ? 'which schema? Give cluster.schema or cluster.schema.table (e.g. prod.shop.orders)'
          : `\`${text.trim().slice(0, 60)}\` is not cluster.schema or cluster.schema.table`,
    });
    return z.NEVER;
  }
  return target;
});

export const meta = defineCommand({
  verb: 'meta',
  usage: 'meta cluster.schema[.table]',
  summary:
    "Show a schema's tables with rows, data and index size, or one table's indexes and definition (read on a replica when the cluster has one).",
  example: 'meta prod.shop.orders',
  args: MetaArgs,
  async run(target, invocation, deps) {
    requireCluster(deps.config, target.cluster);
    if (target.table) {
      await invocation.respond(
        tableMetaMessage(
          target.cluster,
          await deps.inventory.describeTable(target.cluster, target.schema, target.table),
        ),
      );
      return;
    }
    await invocation.respond(
      schemaMetaMessage(target.cluster, await deps.inventory.describeSchema(target.cluster, target.schema)),
    );
  },
});
