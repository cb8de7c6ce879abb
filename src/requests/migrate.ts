import { DbopsError, UsageError } from '../kernel/errors.js';
import { requireCluster } from '../inventory/names.js';
import { describeOutsideKey } from '../migrate/catalog.js';
import type { MigrateSpec } from '../migrate/types.js';
import { parseRunTime } from '../tickets/run-time.js';
import type { RequestAnswer } from './answer.js';
import type { RequestDeps } from './deps.js';
import { type Asker, openTicket } from './open-ticket.js';
import { copySettingsOf, migrateDetailBlocks, type MigratePayload } from '../../jobs/migrate.js';

export interface MigrationRequest extends Asker {
  args: MigrateSpec & { runAt?: string };
}

/**
 * `/dbops migrate`: check the migration against both clusters (through the planner service), open a
 * ticket that shows the tables, rows and bytes, and post it to the DBAs. Returns what to tell the
 * requester, privately.
 */
export async function requestMigration(request: MigrationRequest, deps: RequestDeps): Promise<RequestAnswer> {
  const { args } = request;
  const planner = deps.migrations;
  if (!planner) throw new DbopsError('unavailable', 'migrations are not available in this dbops process');
  const source = requireCluster(deps.config, args.source.cluster);
  requireCluster(deps.config, args.destination.cluster);
  // An unreadable or peak-hour run time is refused before any server is asked.
  const runTime = parseRunTime(args.runAt, source, deps.clock.now());
  if (!runTime.ok) throw new UsageError(runTime.message);
  const { runAt, ...spec } = args;
  const targets = await deps.tickets.checkTargets({
    kind: 'migrate',
    payload: spec,
    cluster: spec.source.cluster,
    schema: spec.source.schema,
  });
  if (!targets.ok) return { kind: 'note', text: targets.message };
  const proposal = await planner.check(spec);
  const { inspection } = proposal;
  const payload: MigratePayload = {
    ...spec,
    copy: copySettingsOf(deps.config.migrate),
    estimate: {
      rows: inspection.rows,
      bytes: inspection.bytes,
      tables: inspection.tables.map((t) => ({ name: t.name, rows: t.rows, bytes: t.bytes, replaces: t.existing })),
      objects: [
        ...inspection.objects.views.map((v) => `view ${v}`),
        ...inspection.objects.triggers.map((t) => `trigger ${t}`),
        ...inspection.objects.routines,
      ],
      creates_schema: inspection.createsSchema,
      outside_keys: inspection.outsideKeys.map((fk) => describeOutsideKey(spec.destination.schema, fk)),
    },
  };
  return openTicket(
    request,
    {
      kind: 'migrate',
      payload,
      cluster: spec.source.cluster,
      schema: spec.source.schema,
      review: null,
      estimatedRows: inspection.rows,
      minApprovals: proposal.minApprovals,
      runAt,
    },
    {
      log: 'migration requested',
      fields: {
        source: `${spec.source.cluster}.${spec.source.schema}`,
        destination: `${spec.destination.cluster}.${spec.destination.schema}`,
      },
      details: migrateDetailBlocks(payload),
    },
    deps,
  );
}
