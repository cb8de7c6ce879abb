import type { KnownBlock } from '@slack/types';
import type { GrantFinding } from '../accounts/review.js';
import type { OscLeftovers } from '../execute/osc-leftovers.js';
import type { ReviewReport } from '../review/types.js';
import type { HandOff } from '../tickets/service.js';
import type { Ticket } from '../tickets/ticket.js';
import type { Published, RequestDeps } from './deps.js';

/**
 * What a request use-case tells the requester, privately, as data: src/slack/views/request-answer.ts
 * renders it (the API answers with its text). `details` are the kind's own blocks (a migration's
 * tables, a runbook's values), shown after the first line instead of a review.
 */
export type RequestAnswer =
  /** A refusal or a "nothing to do" (or a done deed, with its kind's `details`); `text` is mrkdwn. */
  | { kind: 'note'; text: string; icon?: string; details?: KnownBlock[] }
  /** A failure whose text is plain (it may quote a server's error): escaped when rendered. */
  | { kind: 'problem'; text: string; icon?: string }
  | {
      kind: 'blocked';
      ticket: Ticket;
      review: { report: ReviewReport; requestedBy: string } | { grant: readonly GrantFinding[] };
    }
  | { kind: 'duplicate'; ticket: Ticket; permalink: string | null }
  | { kind: 'opened'; ticket: Ticket; permalink: string | null; details?: KnownBlock[] }
  /** The ticket waits for approval, but the approval channel did not take its message. */
  | { kind: 'not_posted'; ticket: Ticket; channel: string; error: string; details?: KnownBlock[] }
  | {
      kind: 'auto_approved';
      ticket: Ticket;
      handOff: HandOff;
      permalink: string | null;
      timezone: string;
      details?: KnownBlock[];
    }
  | {
      kind: 'osc_cleaned_up';
      ticket: Ticket;
      by: string;
      dropped: OscLeftovers | null;
      table: { schema: string; name: string };
    };

/** The answer once a ticket waiting for DBAs was posted to them (or could not be: then about `ticket` as opened). */
export function announced(
  ticket: Ticket,
  published: Published,
  deps: Pick<RequestDeps, 'config'>,
  details?: KnownBlock[],
): RequestAnswer {
  if (published.ok) return { kind: 'opened', ticket: published.ticket, permalink: published.permalink, details };
  return {
    kind: 'not_posted',
    ticket,
    channel: deps.config.slack.approval_channel,
    error: published.error,
    details,
  };
}

/** The answer once an approved-by-itself ticket was handed to the queue and said in its thread. */
export function autoApproved(
  published: Published,
  handOff: HandOff,
  deps: Pick<RequestDeps, 'announcer'>,
  details?: KnownBlock[],
): RequestAnswer {
  return {
    kind: 'auto_approved',
    ticket: published.ticket,
    handOff,
    permalink: published.ok ? published.permalink : null,
    timezone: deps.announcer.zoneOf(published.ticket),
    details,
  };
}
