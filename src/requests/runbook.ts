import type { KnownBlock } from '@slack/types';
import { runbookDetailBlocks } from '../../jobs/runbook.js';
import type { Runbook } from '../config/runbook-schema.js';
import { UsageError } from '../kernel/errors.js';
import { executableProblem } from '../runbooks/catalog.js';
import type { CheckedParams } from '../runbooks/params.js';
import type { CommandDeps } from '../slack/command.js';
import type { Message } from '../text/blocks.js';
import {
  announceFailedMessage,
  autoApprovedMessage,
  duplicateMessage,
  privateNote,
  ticketOpenedMessage,
} from '../slack/views/ticket-replies.js';

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
export async function requestRunbook(request: RunbookRunRequest, deps: CommandDeps): Promise<Message> {
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
  if (!result.ok) return privateNote(result.message);
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

/** The ticket answer with the run's values after its first line (a runbook has no review to show). */
function withDetails(message: Message, details: KnownBlock[]): Message {
  const [first, ...rest] = message.blocks ?? [];
  const others = rest.filter((b) => !(b.type === 'context' && JSON.stringify(b).includes('Review:')));
  return { ...message, blocks: [...(first ? [first] : []), ...details, ...others] };
}
