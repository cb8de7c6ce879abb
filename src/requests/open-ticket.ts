import type { KnownBlock } from '@slack/types';
import type { SubmitInput } from '../tickets/service.js';
import type { Ticket } from '../tickets/ticket.js';
import { announced, autoApproved, type RequestAnswer } from './answer.js';
import type { Published, RequestDeps } from './deps.js';

/** Who asked for a request, from where: every request use-case's input starts with it. */
export interface Asker {
  user: string;
  /** The Slack request it came from (trigger id, view id): a repeat opens no second ticket. */
  sourceKey: string;
  /** Where the requester asked. */
  channel?: string;
}

/** What a use-case adds to the shared opening of its ticket. */
export interface Opening {
  /** The log line (`migration requested`) and its fields besides the ticket, the user and the outcome. */
  log: string;
  fields?: Record<string, unknown>;
  /** The kind's own blocks for the answer (a migration's tables), shown instead of a review. */
  details?: KnownBlock[];
  /** The answer for a ticket its review blocked; without it, a blocked ticket is posted to the DBAs like a waiting one. */
  blocked?: (ticket: Ticket) => RequestAnswer;
  /** The answer for a ticket waiting for DBAs once it was posted to them; without it, `announced`. */
  awaiting?: (ticket: Ticket, published: Published) => Promise<RequestAnswer>;
}

/**
 * Submit the asker's ticket and answer as every request does: a refusal as a note, a repeat with a
 * link to the first ticket, a ticket for the DBAs posted to them, one that needs none handed to the
 * queue. The requester is the asker unless `input` names another.
 */
export async function openTicket(
  asker: Asker,
  input: Omit<SubmitInput, 'requester' | 'sourceKey' | 'slack'> & { requester?: string },
  opening: Opening,
  deps: Pick<RequestDeps, 'tickets' | 'logger' | 'announcer' | 'config'>,
): Promise<RequestAnswer> {
  const result = await deps.tickets.submit({
    ...input,
    requester: input.requester ?? asker.user,
    sourceKey: asker.sourceKey,
    slack: asker.channel ? { requestChannel: asker.channel } : {},
  });
  if (!result.ok) return { kind: 'note', text: result.message };
  const { ticket } = result;
  deps.logger.info(opening.log, { ticket: ticket.ref, user: asker.user, ...opening.fields, outcome: result.outcome });
  if (result.outcome === 'duplicate')
    return { kind: 'duplicate', ticket, permalink: await deps.announcer.permalink(ticket) };
  if (result.outcome === 'auto_approved')
    return autoApproved(
      await deps.announcer.autoApproved(ticket, result.handOff),
      result.handOff,
      deps,
      opening.details,
    );
  if (result.outcome === 'blocked' && opening.blocked) return opening.blocked(ticket);
  const published = await deps.announcer.publish(ticket.id);
  if (result.outcome === 'awaiting_approval' && opening.awaiting) return opening.awaiting(ticket, published);
  return announced(ticket, published, deps, opening.details);
}
