import { restoreDetailBlocks } from '../../jobs/restore.js';
import type { BackupBot, RestoreRequestArgs } from '../backup/bot.js';
import { DbopsError } from '../kernel/errors.js';
import type { RequestAnswer } from './answer.js';
import type { RequestDeps } from './deps.js';
import { type Asker, openTicket } from './open-ticket.js';

export interface RestoreRequest extends Asker {
  args: RestoreRequestArgs;
}

/** The backups service, or the refusal a process without backups gives. */
export function backupBot(deps: Pick<RequestDeps, 'backups'>): BackupBot {
  if (!deps.backups) throw new DbopsError('unavailable', 'backups are not available in this dbops process');
  return deps.backups;
}

/**
 * `/dbops restore` and its form: check the restore (the set, its schemas, the destination's
 * environment and what it holds now), open a ticket that says what it replaces, and post it to the
 * DBAs. Returns what to tell the requester, privately.
 */
export async function requestRestore(request: RestoreRequest, deps: RequestDeps): Promise<RequestAnswer> {
  const planned = await backupBot(deps).planRestore(request.args);
  const targets = await deps.tickets.checkTargets({
    kind: 'restore',
    payload: planned.payload,
    cluster: planned.cluster,
    schema: planned.schema,
  });
  if (!targets.ok) return { kind: 'note', text: targets.message };
  return openTicket(
    request,
    {
      kind: 'restore',
      payload: planned.payload,
      cluster: planned.cluster,
      schema: planned.schema,
      review: null,
      minApprovals: planned.minApprovals,
    },
    {
      log: 'restore requested',
      fields: { set: planned.payload.set, cluster: planned.cluster },
      details: restoreDetailBlocks(planned.payload),
    },
    deps,
  );
}
