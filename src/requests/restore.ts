import { restoreDetailBlocks } from '../../jobs/restore.js';
import type { BackupBot, RestoreRequestArgs } from '../backup/bot.js';
import { DbopsError } from '../kernel/errors.js';
import { announced, autoApproved, type RequestAnswer } from './answer.js';
import type { RequestDeps } from './deps.js';

export interface RestoreRequest {
  user: string;
  args: RestoreRequestArgs;
  sourceKey: string;
  channel?: string;
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
  const result = await deps.tickets.submit({
    kind: 'restore',
    payload: planned.payload,
    requester: request.user,
    cluster: planned.cluster,
    schema: planned.schema,
    review: null,
    minApprovals: planned.minApprovals,
    sourceKey: request.sourceKey,
    slack: request.channel ? { requestChannel: request.channel } : {},
  });
  if (!result.ok) return { kind: 'note', text: result.message };
  const { ticket } = result;
  deps.logger.info('restore requested', {
    ticket: ticket.ref,
    user: request.user,
    set: planned.payload.set,
    cluster: planned.cluster,
    outcome: result.outcome,
  });
  const details = restoreDetailBlocks(planned.payload);
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
