import { runbookDetailBlocks } from '../../jobs/runbook.js';
import type { Runbook } from '../config/runbook-schema.js';
import { UsageError } from '../kernel/errors.js';
import { executableProblem } from '../runbooks/catalog.js';
import type { CheckedParams } from '../runbooks/params.js';
import { announced, autoApproved, type RequestAnswer } from './answer.js';
import type { RequestDeps } from './deps.js';

export interface RunbookRunRequest {
  user: string;
  runbook: Runbook;
  /** The values as `parseParams`/`checkValues` checked them against dbops.yml. */
  params: CheckedParams;
  /** The Slack request it came from (trigger id, view id): a repeat opens no second ticket. */
  sourceKey: string;
  channel?: string;
}

/**
 * `/dbops run` and its form: open a ticket for a run of the runbook on its target cluster, with the
 * approvals the runbook asks for there, and post it to the DBAs (or queue it when none are needed).
 * Returns what to tell the requester, privately.
 */
export async function requestRunbook(request: RunbookRunRequest, deps: RequestDeps): Promise<RequestAnswer> {
  const { runbook, params, user } = request;
  const problem = executableProblem(runbook);
  if (problem)
    throw new UsageError(
      `${runbook.name} cannot be run now: ${problem}. A DBA fixes it (\`dbops doctor\` checks every runbook).`,
    );
  const payload = { runbook: runbook.name, params: params.values };
  const result = await deps.tickets.submit({
    kind: 'runbook',
    payload,
    requester: user,
    cluster: params.target.cluster,
    schema: params.target.schema,
    review: null,
    sourceKey: request.sourceKey,
    slack: request.channel ? { requestChannel: request.channel } : {},
  });
  if (!result.ok) return { kind: 'note', text: result.message };
  const { ticket } = result;
  deps.logger.info('runbook run requested', {
    ticket: ticket.ref,
    user,
    runbook: runbook.name,
    cluster: params.target.cluster,
    outcome: result.outcome,
  });
  const details = runbookDetailBlocks(payload);
  switch (result.outcome) {
    case 'duplicate':
      return { kind: 'duplicate', ticket, permalink: await deps.announcer.permalink(ticket) };
    case 'blocked':
    case 'awaiting_approval':
      return announced(ticket, await deps.announcer.publish(ticket.id), deps, details);
    case 'auto_approved':
      return autoApproved(await deps.announcer.autoApproved(ticket, result.handOff), result.handOff, deps, details);
  }
}
