import type { GrantBot } from '../accounts/bot.js';
import type { BackupBot } from '../backup/bot.js';
import type { DbopsConfig } from '../config/schema.js';
import type { ExecutionBot } from '../execute/bot.js';
import type { OscLeftovers } from '../execute/osc-leftovers.js';
import type { RollbackPlan } from '../execute/rollback-sql.js';
import type { Logger } from '../kernel/logger.js';
import type { MigratePlanner } from '../migrate/planner.js';
import type { Reviewer } from '../review/service.js';
import type { DbaDirectory } from '../tickets/dba-directory.js';
import type { Clock, HandOff, TicketService } from '../tickets/service.js';
import type { TicketStore } from '../tickets/store.js';
import type { Ticket } from '../tickets/ticket.js';

/** A ticket's approval message after posting (or editing) it: where it is, or why it could not be posted. */
export type Published =
  | { ok: true; ticket: Ticket; permalink: string | null }
  | { ok: false; ticket: Ticket; error: string };

/** Where a new ticket goes to the DBAs; src/slack/ticket-announcer.ts implements it. */
export interface RequestAnnouncer {
  publish(ticketId: number): Promise<Published>;
  autoApproved(ticket: Ticket, handOff: HandOff): Promise<Published>;
  permalink(ticket: Ticket): Promise<string | null>;
  /** An approval was recorded and more are needed: the message and thread say so. */
  approvalRecorded(ticket: Ticket, approver: string, remaining: number): Promise<void>;
  /** The last approval came: the message, thread and requester say so. */
  approved(ticket: Ticket, approver: string, handOff: HandOff): Promise<void>;
  /** The time zone a ticket's times are shown in (its cluster's). */
  zoneOf(ticket: Pick<Ticket, 'cluster'>): string;
}

/** The chat around a request that is not its answer; src/slack/request-chat.ts implements it. */
export interface RequestChat {
  /** The name the chat shows for a user ('' when unknown): a personal grant account may be named after it. */
  displayName(user: string): Promise<string>;
  /** In the original ticket's thread: `by` opened a rollback of it. Never throws (a failure is logged). */
  rollbackOpened(
    original: Ticket,
    rollback: Ticket,
    by: string,
    permalink: string | null,
    plan: RollbackPlan,
  ): Promise<void>;
  /** Attach the row-by-row rollback script to a thread. Throws when the upload fails. */
  rollbackScript(
    thread: { channel: string; threadTs: string },
    script: { path: string; filename: string; title: string; original: Ticket; rows: number },
  ): Promise<void>;
  /**
   * In the thread of a ticket whose online ALTER was cleaned up: what was dropped, and the leftovers
   * message (if it was posted) loses its button. Never throws.
   */
  oscCleanedUp(
    ticket: Ticket,
    attempt: number,
    by: string,
    cleanup: {
      dropped: OscLeftovers | null;
      left: OscLeftovers;
      leftoversMessage: { channel: string; ts: string } | null;
    },
  ): Promise<void>;
}

/** What the request use-cases need; src/slack's CommandDeps is a superset. */
export interface RequestDeps {
  config: DbopsConfig;
  reviewer: Reviewer;
  logger: Logger;
  clock: Clock;
  /** Ticket operations: each checks policy and changes state by compare-and-set. */
  tickets: TicketService;
  /** Reads; state changes go through `tickets`. */
  ticketStore: TicketStore;
  dbas: DbaDirectory;
  announcer: RequestAnnouncer;
  chat: RequestChat;
  /** `/dbops migrate`'s checks against both clusters (src/migrate/planner.ts); absent where migrations are not wired. */
  migrations?: MigratePlanner;
  /** Rollbacks and the online ALTER's controls (src/execute/); absent where no execution is wired. */
  execution?: ExecutionBot;
  /** Grants: requests checked before a ticket, the one-time password, revokes, lists (src/accounts/bot.ts). */
  grants?: GrantBot;
  /** Backups: the list, a backup now, a restore's checks before its ticket (src/backup/bot.ts). */
  backups?: BackupBot;
}
