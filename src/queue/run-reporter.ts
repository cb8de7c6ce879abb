import type { Message } from '../text/blocks.js';
import type { Ticket } from '../tickets/ticket.js';

/** A worker took over a run (or one part of it) from a worker that stopped answering. */
export interface Takeover {
  worker: string;
  previous: string | null;
  part?: string;
}

/** A run that waits for its cluster's peak hours to end. */
export interface PeakWait {
  cluster: string;
  window: string;
  until: Date;
  timezone: string;
  started: boolean;
}

/** A text file posted in a ticket's thread, with an optional comment (plain mrkdwn the caller escaped). */
export interface ThreadFile {
  filename: string;
  title: string;
  content: string;
  comment?: string;
}

/**
 * How the queue tells a ticket's people about its run, without knowing where they read it:
 * src/slack/progress-relay.ts implements it (the status message, thread replies, the final reply).
 * Nothing here throws into the run except `ensureStatus` and `sweep`, which callers guard.
 */
export interface RunReporter {
  /** The run's state changed: the status message is edited (throttled). */
  changed(ticket: Ticket): void;
  /** Post the run's status message now, waiting a little for the ticket's thread. */
  ensureStatus(ticket: Ticket): Promise<void>;
  /** A reply in the ticket's thread that stays; never throws. */
  milestone(ticket: Ticket, message: Message): Promise<void>;
  /** A text file in the ticket's thread (a runbook's full log): false when it could not be posted; never throws. */
  attach(ticket: Ticket, file: ThreadFile): Promise<boolean>;
  started(ticket: Ticket, worker: string): Promise<void>;
  takenOver(ticket: Ticket, takeover: Takeover): Promise<void>;
  peakWait(ticket: Ticket, wait: PeakWait): Promise<void>;
  /** The end of a run, reported in the background; never throws. */
  finished(ticket: Ticket): void;
  /** Report run ends that were never delivered; returns how many were pending. */
  sweep(): Promise<number>;
  /** Wait for reporting under way (shutdown), at most `ms`. */
  idle(ms: number): Promise<void>;
}

/** The ticket's approval card, as far as the queue needs it. */
export interface TicketCard {
  /** Re-render the card from the ticket's current state. */
  refresh(ticketId: number): Promise<void>;
  /** The time zone the ticket's cluster is read in. */
  zoneOf(ticket: Pick<Ticket, 'cluster'>): string;
}
