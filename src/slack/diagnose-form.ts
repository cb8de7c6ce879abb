import { DbopsError } from '../kernel/errors.js';
import type { CommandDeps, Invocation } from './command.js';
import { diagnoseFormView, type DiagnoseVerb } from './views/diagnose-form.js';

/** Open the cluster form of `top`, `slow` or `space` (a verb typed without its cluster). */
export async function openDiagnoseForm(verb: DiagnoseVerb, invocation: Invocation, deps: CommandDeps): Promise<void> {
  if (!invocation.triggerId) throw new DbopsError('usage', `give a cluster: \`/dbops ${verb} <cluster>\``);
  await deps.slack.client.views.open({
    trigger_id: invocation.triggerId,
    view: diagnoseFormView({ verb, channel: invocation.channelId }, Object.keys(deps.config.clusters)),
  });
}
