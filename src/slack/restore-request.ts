import type { KnownBlock } from '@slack/types';
import { restoreDetailBlocks } from '../../jobs/restore.js';
import type { RestoreRequestArgs } from '../backup/bot.js';
import { DbopsError } from '../kernel/errors.js';
import type { Message } from '../text/blocks.js';
import type { CommandDeps } from './command.js';
import { backupListMessage } from './views/backups.js';
import {
  announceFailedMessage,
  autoApprovedMessage,
  duplicateMessage,
  privateNote,
  ticketOpenedMessage,
} from './views/ticket-replies.js';

export interface RestoreRequest {
  user: string;
  /** Null: no arguments (the newest sets are shown with the syntax). */
  args: RestoreRequestArgs | null;
  sourceKey: string;
  channel?: string;
}

/**
 * `/dbops restore`: check the restore (the set, its schemas, the destination's environment and what
 * it holds now), open a ticket that says what it replaces, and post it to the DBAs. Returns what to
 * tell the requester, privately.
 */
export async function requestRestore(request: RestoreRequest, deps: CommandDeps): Promise<Message> {
  const bot = deps.backups;
  if (!bot) throw new DbopsError('unavailable', 'backups are not available in this dbops process');
  if (request.args === null) {
    const list = backupListMessage(await bot.overview(null, 10), null);
    return {
      text: list.text,
      blocks: [
        ...(privateNote(
          'Which set, and where to? `/dbops restore B-12 [schema[,schema]] to cluster[.schema]`',
          ':information_source:',
        ).blocks ?? []),
        ...(list.blocks ?? []),
      ],
    };
  }
  const planned = await bot.planRestore(request.args);
  const targets = await deps.tickets.checkTargets({
    kind: 'restore',
    payload: planned.payload,
    cluster: planned.cluster,
    schema: planned.schema,
  });
  if (!targets.ok) return privateNote(targets.message);
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
  if (!result.ok) return privateNote(result.message);
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
      return duplicateMessage(ticket, await deps.announcer.permalink(ticket));
    case 'blocked':
    case 'awaiting_approval': {
      const published = await deps.announcer.publish(ticket.id);
      const message = published.ok
        ? ticketOpenedMessage(published.ticket, published.permalink)
        : announceFailedMessage(ticket, deps.config.slack.approval_channel, published.error);
      return withDetails(message, details);
    }
    case 'auto_approved': {
      const published = await deps.announcer.autoApproved(ticket, result.handOff);
      const latest = published.ticket;
      const message = autoApprovedMessage(
        latest,
        result.handOff,
        published.ok ? published.permalink : null,
        deps.announcer.zoneOf(latest),
      );
      return withDetails(message, details);
    }
  }
}

/** The ticket answer with the restore's details after its first line (a restore has no review to show). */
function withDetails(message: Message, details: KnownBlock[]): Message {
  const [first, ...rest] = message.blocks ?? [];
  const others = rest.filter((b) => !(b.type === 'context' && JSON.stringify(b).includes('Review:')));
  return { ...message, blocks: [...(first ? [first] : []), ...details, ...others] };
}
