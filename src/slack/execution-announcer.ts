import type { ExecutionChannel, ExecutionEvent } from '../execute/channel.js';
import type { Logger } from '../kernel/logger.js';
import type { TicketStore } from '../tickets/store.js';
import type { Notifier } from './notifier.js';
import { oscLeftoversMessage, oscPanel, rollbackOffer } from './views/execution.js';
import { toError } from '../kernel/errors.js';

export interface ExecutionAnnouncerDeps {
  channel: ExecutionChannel;
  slack: Notifier;
  store: TicketStore;
  logger: Logger;
  /** `execution.backup_schema`, named in the rollback offer. */
  backupSchema: string;
}

/**
 * Posts what running executions report, in their tickets' threads: the online ALTER's panel (posted
 * once, then edited in place as it copies, pauses, waits for the cut-over and ends), what an online
 * ALTER whose worker died left on its table (with Clean up for DBAs) and, when a change with backups
 * finishes, the Roll back offer. Several bot processes may listen: a Redis claim
 * makes one of them post each message. Events of one ticket are handled one at a time, in order.
 */
export async function startExecutionAnnouncer(
  deps: ExecutionAnnouncerDeps,
): Promise<{ stop(): Promise<void>; idle(): Promise<void> }> {
  const chains = new Map<number, Promise<void>>();
  const handle = async (event: ExecutionEvent) => {
    const ticket = await deps.store.get(event.ticketId);
    const { threadChannel, threadTs } = ticket?.slack ?? {};
    if (!ticket || !threadChannel || !threadTs) return;
    if (event.type === 'osc') {
      const message = oscPanel(ticket, event.attempt, event.state);
      const panel = await deps.channel.panel(ticket.id, event.attempt);
      if (panel) return deps.slack.update(panel.channel, panel.ts, message);
      if (!(await deps.channel.claim(ticket.id, event.attempt, 'panel'))) return;
      const posted = await deps.slack.post(threadChannel, message, { threadTs });
      await deps.channel.setPanel(ticket.id, event.attempt, posted);
      return;
    }
    if (event.type === 'osc-leftovers') {
      if (!(await deps.channel.claim(ticket.id, event.attempt, 'leftovers-message'))) return;
      const message = oscLeftoversMessage(ticket, event.attempt, event.leftovers);
      const posted = await deps.slack.post(threadChannel, message, { threadTs });
      await deps.channel.setPanel(ticket.id, event.attempt, posted, 'leftovers-message');
      return;
    }
    if (event.backups === 0 || !ticket.about.undoable || !(await deps.channel.claim(ticket.id, event.attempt, 'offer')))
      return;
    await deps.slack.post(threadChannel, rollbackOffer(ticket, event.backups, event.rows, deps.backupSchema), {
      threadTs,
    });
  };
  const unsubscribe = await deps.channel.subscribe((event) => {
    const previous = chains.get(event.ticketId) ?? Promise.resolve();
    const next = previous
      .then(() => handle(event))
      .catch((err: unknown) => {
        deps.logger.warn(
          'could not post an execution update',
          { ticket: event.ticketId, event: event.type },
          toError(err),
        );
      });
    chains.set(event.ticketId, next);
    void next.then(() => {
      if (chains.get(event.ticketId) === next) chains.delete(event.ticketId);
    });
  });
  return {
    stop: unsubscribe,
    /** Resolves when every event received so far is handled (tests). */
    idle: async () => {
      await Promise.all([...chains.values()]);
    },
  };
}
