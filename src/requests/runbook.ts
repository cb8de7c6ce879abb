import { runbookDetailBlocks } from '../../jobs/runbook.js';
import type { Runbook } from '../config/runbook-schema.js';
import { UsageError } from '../kernel/errors.js';
import { executableProblem } from '../runbooks/catalog.js';
import type { CheckedParams } from '../runbooks/params.js';
import type { RequestAnswer } from './answer.js';
import type { RequestDeps } from './deps.js';
import { type Asker, openTicket } from './open-ticket.js';

export interface RunbookRunRequest extends Asker {
  runbook: Runbook;
  /** The values as `parseParams`/`checkValues` checked them against dbops.yml. */
  params: CheckedParams;
}

/**
 * `/dbops run` and its form: open a ticket for a run of the runbook on its target cluster, with the
 * approvals the runbook asks for there, and post it to the DBAs (or queue it when none are needed).
 * Returns what to tell the requester, privately.
 */
export async function requestRunbook(request: RunbookRunRequest, deps: RequestDeps): Promise<RequestAnswer> {
  const { runbook, params } = request;
  const problem = executableProblem(runbook);
  if (problem)
    throw new UsageError(
      `${runbook.name} cannot be run now: ${problem}. A DBA fixes it (\`dbops doctor\` checks every runbook).`,
    );
  const payload = { runbook: runbook.name, params: params.values };
  return openTicket(
    request,
    { kind: 'runbook', payload, cluster: params.target.cluster, schema: params.target.schema, review: null },
    {
      log: 'runbook run requested',
      fields: { runbook: runbook.name, cluster: params.target.cluster },
      details: runbookDetailBlocks(payload),
    },
    deps,
  );
}
