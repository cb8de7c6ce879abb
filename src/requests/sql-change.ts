import { batchEstimatedRows } from '../review/types.js';
import { UsageError } from '../kernel/errors.js';
import { toolNameRefusal } from '../execute/osc-dsn.js';
import { requireCluster } from '../inventory/names.js';
import { parseRunTime } from '../tickets/run-time.js';
import { reviewFromReport } from '../tickets/ticket.js';
import type { RequestAnswer } from './answer.js';
import type { RequestDeps } from './deps.js';
import { type Asker, openTicket } from './open-ticket.js';

export interface SqlChangeRequest extends Asker {
  target: { cluster: string; schema: string };
  sql: string;
  /** `now` (default), `tonight`, `at 02:00`, `at 2026-11-25 01:30`: read in the cluster's zone. */
  runAt?: string;
}

/**
 * `/dbops exec` and its form: review the SQL against the target, open the ticket, and post it to
 * the DBAs (or, when the review blocks it, show the requester the findings and the way to an
 * exception). Returns what to tell the requester, privately.
 */
export async function requestSqlChange(request: SqlChangeRequest, deps: RequestDeps): Promise<RequestAnswer> {
  const { user, target, sql } = request;
  const cluster = requireCluster(deps.config, target.cluster);
  if (sql.trim() === '')
    throw new UsageError('there is no SQL to run: write it after the target, e.g. `/dbops exec prod.shop UPDATE …`');
  // Refuse an unreadable or peak-hour run time before the review, so the answer comes at once.
  const runTime = parseRunTime(request.runAt, cluster, deps.clock.now());
  if (!runTime.ok) throw new UsageError(runTime.message);
  // dbops' own schemas and the server's are refused before the review asks the server anything.
  const targets = await deps.tickets.checkTargets({
    kind: 'sql-change',
    payload: { sql },
    cluster: target.cluster,
    schema: target.schema,
  });
  if (!targets.ok) return { kind: 'note', text: targets.message };
  // pt-online-schema-change cannot be given every table name safely: say so now rather than when it runs.
  const unsafeName = toolNameRefusal(sql, target.schema);
  if (unsafeName) throw new UsageError(unsafeName);
  const report = await deps.reviewer.review({ sql, target, purpose: 'change' });
  return openTicket(
    request,
    {
      kind: 'sql-change',
      payload: { sql },
      cluster: target.cluster,
      schema: target.schema,
      review: reviewFromReport(report),
      // EXPLAIN's estimate for the UPDATEs and DELETEs: shown to DBAs, and the run stops above it.
      estimatedRows: batchEstimatedRows(report),
      runAt: request.runAt,
    },
    {
      log: 'sql change requested',
      fields: { target: `${target.cluster}.${target.schema}` },
      blocked: (ticket) => ({ kind: 'blocked', ticket, review: { report, requestedBy: user } }),
    },
    deps,
  );
}
