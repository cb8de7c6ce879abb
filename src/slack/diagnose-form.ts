import { DbopsError } from '../kernel/errors.js';
import type { CommandDeps, Invocation } from './command.js';
import { diagnoseFormView, type DiagnoseVerb } from './views/diagnose-form.js';

/**
 * Open the cluster form of `top`, `slow`, `space`, `switchover` or `backup` (a verb typed without
 * its cluster); `clusters` to offer (default: every cluster).
 */
export async function openDiagnoseForm(
  verb: DiagnoseVerb,
  invocation: Invocation,
  deps: CommandDeps,
  clusters: readonly string[] = Object.keys(deps.config.clusters),
): Promise<void> {
  if (!invocation.triggerId) throw new DbopsError('usage', `give a cluster: \`/dbops ${verb} <cluster>\``);
  await deps.slack.client.views.open({
    trigger_id: invocation.triggerId,
    view: diagnoseFormView({ verb, channel: invocation.channelId }, clusters),
  });
}
