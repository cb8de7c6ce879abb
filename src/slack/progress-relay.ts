import type { Redis } from 'ioredis';
import type { Logger } from '../kernel/logger.js';
import { causeOf } from '../queue/errors.js';
import type { RunKey, RunStore } from '../queue/run-store.js';
import type { StepJournal } from '../queue/step-journal.js';
import { dbopsKey, type KeySpace } from '../db/redis-keys.js';
import { readStop } from '../queue/stop-channel.js';
import { backoffDelay, sleep, within } from '../db/transient.js';
import type { Clock } from '../tickets/service.js';
import type { TicketStore } from '../tickets/store.js';
import type { Ticket } from '../tickets/ticket.js';
import type { Notifier } from './notifier.js';
import type { TicketAnnouncer } from './ticket-announcer.js';
import type { PeakWait, RunReporter, Takeover, ThreadFile } from '../queue/run-reporter.js';
import type { Message } from '../text/blocks.js';
import { finalReply, peakWaitReply, statusMessage, takeoverReply } from './views/ticket-progress.js';

export interface ProgressRelayDeps {
  slack: Notifier;
  runs: RunStore;
  journal: StepJournal;
  tickets: TicketStore;
  announcer: Pick<TicketAnnouncer, 'refresh' | 'runFinished' | 'zoneOf'>;
  redis: Redis;
  keys: KeySpace;
  clock: Clock;
  logger: Logger;
  /** Least time between two edits of one ticket's status message, across every process. */
  editIntervalMs: number;
}

/** Tries of a thread reply before it is left to the sweeper (final replies) or dropped (milestones); the waits start at the edit interval. */
const REPLY_TRIES = 4;
/** How long a reply waits for the ticket's thread to exist, and how often it looks. */
const THREAD_WAIT_MS = 5_000;
const THREAD_POLL_MS = 250;
/** How long one process may hold the job of posting a final reply before another may take it. */
const FINAL_LEASE_MS = 2 * 60_000;

/**
 * The job runner's voice in a ticket's thread. One status message per run, edited in place at most
 * once per `editIntervalMs` per ticket — a Redis key with that expiry is the edit token shared by
 * every worker, and a change that finds it taken schedules one trailing edit, which renders the
 * latest state from the meta database. Milestones are thread replies. The final reply is written
 * to an outbox (ticket_runs) first: Slack errors and 429s delay it (the WebClient waits out
 * Retry-After; this retries the rest with backoff) and `sweep` posts what is still unposted, so it is
 * never lost.
 */
export function createProgressRelay(deps: ProgressRelayDeps): RunReporter {
  const { slack, runs, journal, tickets, redis, keys, clock, logger } = deps;
  const trailing = new Map<number, NodeJS.Timeout>();
  const chains = new Map<number, Promise<unknown>>();
  const inFlight = new Set<Promise<unknown>>();

  /** One Slack write at a time per ticket, in order (a reply never overtakes the one before it). */
  const serially = <T>(ticketId: number, work: () => Promise<T>): Promise<T> => {
    const next = (chains.get(ticketId) ?? Promise.resolve()).then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    chains.set(ticketId, settled);
    void settled.then(() => chains.get(ticketId) === settled && chains.delete(ticketId));
    return next;
  };
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.then(
      () => inFlight.delete(promise),
      () => inFlight.delete(promise),
    );
    return promise;
  };
  const threads = new Map<number, { channel: string; ts: string }>();
  /**
   * The ticket's thread. A worker can pick a job up before the bot has posted the ticket's message
   * (an automatic approval queues the job first), so a ticket read without one is read again.
   */
  const thread = async (ticket: Ticket, waitMs = 0): Promise<{ channel: string; ts: string } | null> => {
    const known = threads.get(ticket.id);
    if (known) return known;
    for (let waited = 0; ; waited += THREAD_POLL_MS) {
      const refs = waited === 0 ? ticket.slack : (await tickets.get(ticket.id))?.slack;
      if (refs?.threadChannel && refs.threadTs) {
        const found = { channel: refs.threadChannel, ts: refs.threadTs };
        threads.set(ticket.id, found);
        return found;
      }
      if (waited >= waitMs) return waitMs === 0 ? thread(ticket, THREAD_POLL_MS) : null;
      await sleep(THREAD_POLL_MS);
    }
  };

  async function render(
    ticket: Ticket,
    key: RunKey,
  ): Promise<{ message: Message; status: { channel: string; ts: string } | null } | null> {
    const run = await runs.getRun(key);
    if (!run) return null;
    const counts = run.partsTotal !== null && run.partsTotal > 1 ? await runs.partCounts(key) : null;
    const stopping =
      run.outcome === null ? await readStop(redis, keys, key.ticketId, key.attempt).catch(() => null) : null;
    return {
      message: statusMessage({
        ticket,
        run,
        counts,
        stopping,
        now: clock.now(),
        timezone: deps.announcer.zoneOf(ticket),
      }),
      status: run.status,
    };
  }

  /** Edit the status message to show the run as it is now (posting it first if it is not there yet). */
  async function edit(ticket: Ticket): Promise<void> {
    const key = { ticketId: ticket.id, attempt: ticket.attempt };
    const where = await thread(ticket);
    if (!where) return;
    await serially(ticket.id, async () => {
      const rendered = await render(ticket, key);
      if (!rendered) return;
      if (rendered.status) return slack.update(rendered.status.channel, rendered.status.ts, rendered.message);
      const posted = await slack.post(where.channel, rendered.message, { threadTs: where.ts });
      if (!(await runs.setStatusMessage(key, posted.channel, posted.ts)))
        await slack.client.chat.delete({ channel: posted.channel, ts: posted.ts }).catch(() => undefined);
    });
  }

  async function throttledEdit(ticket: Ticket): Promise<void> {
    const token = dbopsKey(keys, 'status-edit', ticket.id);
    const got = await redis.set(token, '1', 'PX', deps.editIntervalMs, 'NX');
    if (got === 'OK') return edit(ticket);
    const wait = Math.max(50, await redis.pttl(token));
    if (!trailing.has(ticket.id)) {
      trailing.set(
        ticket.id,
        setTimeout(() => {
          trailing.delete(ticket.id);
          changed(ticket);
        }, wait),
      );
    }
  }

  /** The run changed (progress, a log line, a part ended): refresh the status message soon. Never throws. */
  function changed(ticket: Ticket): void {
    if (trailing.has(ticket.id)) return;
    void track(
      throttledEdit(ticket).catch((err: unknown) =>
        logger.warn('could not update a status message', { ticket: ticket.ref, error: causeOf(err) }),
      ),
    );
  }

  /** A thread reply, tried a few times; false when it could not be posted. Never throws. */
  async function reply(ticket: Ticket, message: Message): Promise<boolean> {
    const where = await thread(ticket, THREAD_WAIT_MS);
    if (!where) return true;
    return serially(ticket.id, async () => {
      for (let n = 1; n <= REPLY_TRIES; n++) {
        try {
          await slack.post(where.channel, message, { threadTs: where.ts });
          return true;
        } catch (err) {
          logger.warn('a thread reply failed', { ticket: ticket.ref, try: n, error: causeOf(err) });
          if (n < REPLY_TRIES)
            await sleep(backoffDelay(n, { baseMs: deps.editIntervalMs, maxMs: 8 * deps.editIntervalMs }));
        }
      }
      return false;
    });
  }

  /** Post the run's status message in the thread, once per run (the first worker to post wins). */
  async function ensureStatus(ticket: Ticket): Promise<void> {
    await thread(ticket, THREAD_WAIT_MS);
    await edit(ticket);
  }

  /** The end of a run: the last edit, the final reply (through the outbox), the approval message and the requester's DM. */
  async function finished(ticket: Ticket): Promise<void> {
    const key = { ticketId: ticket.id, attempt: ticket.attempt };
    const timer = trailing.get(ticket.id);
    if (timer) clearTimeout(timer);
    trailing.delete(ticket.id);
    await edit(ticket).catch((err: unknown) =>
      logger.warn('could not write the final status', { ticket: ticket.ref, error: causeOf(err) }),
    );
    const run = await runs.getRun(key);
    if (!run?.outcome || !(await runs.claimFinalPost(key, clock.now(), FINAL_LEASE_MS))) return;
    const [steps, parts, stop] = await Promise.all([
      journal.list(key),
      run.partsTotal !== null && run.partsTotal > 1 ? runs.parts(key) : Promise.resolve(null),
      readStop(redis, keys, ticket.id, ticket.attempt).catch(() => null),
    ]);
    if (!(await reply(ticket, finalReply({ ticket, run, steps, parts, stop })))) return;
    await runs.markFinalPosted(key, clock.now());
    const latest = (await tickets.get(ticket.id)) ?? ticket;
    await deps.announcer
      .runFinished(latest, run)
      .catch((err: unknown) =>
        logger.warn('could not announce a finished run', { ticket: ticket.ref, error: causeOf(err) }),
      );
  }

  /** A text file in the ticket's thread (a runbook's full log), tried a few times; false when it could not be posted. Never throws. */
  async function attach(ticket: Ticket, file: ThreadFile): Promise<boolean> {
    const where = await thread(ticket, THREAD_WAIT_MS);
    if (!where) return false;
    return serially(ticket.id, async () => {
      for (let n = 1; n <= REPLY_TRIES; n++) {
        try {
          await slack.upload(where.channel, file, { threadTs: where.ts, comment: file.comment });
          return true;
        } catch (err) {
          logger.warn('a file for a thread could not be posted', { ticket: ticket.ref, try: n, error: causeOf(err) });
          if (n < REPLY_TRIES)
            await sleep(backoffDelay(n, { baseMs: deps.editIntervalMs, maxMs: 8 * deps.editIntervalMs }));
        }
      }
      return false;
    });
  }

  /** A milestone reply ("statement 2/5 done…"); never throws. */
  const milestone = (ticket: Ticket, message: Message) => track(reply(ticket, message)).then(() => undefined);

  return {
    changed,
    ensureStatus,
    /** A text file in the ticket's thread; never throws. */
    attach: (ticket: Ticket, file: ThreadFile) => track(attach(ticket, file)),
    milestone,
    // The status message, posted as the run starts (ensureStatus), is the thread's "started": no second reply.
    started: async () => undefined,
    takenOver: (ticket: Ticket, takeover: Takeover) => milestone(ticket, takeoverReply(ticket, takeover)),
    peakWait: (ticket: Ticket, wait: PeakWait) => milestone(ticket, peakWaitReply(ticket, wait)),
    /** The end of a run, in the background (tracked, so `idle` waits for it); never throws. */
    finished: (ticket: Ticket) => {
      void track(
        finished(ticket).catch((err: unknown) =>
          logger.warn('could not post the end of a run', { ticket: ticket.ref, error: causeOf(err) }),
        ),
      );
    },
    /** Post final replies that never reached Slack (a worker died, or Slack kept failing). */
    async sweep(): Promise<number> {
      const pending = await runs.unpostedFinals(clock.now());
      for (const run of pending) {
        const ticket = await tickets.get(run.ticketId);
        if (ticket && ticket.attempt === run.attempt)
          await finished(ticket).catch((err: unknown) =>
            logger.warn('sweep: could not post the end of a run', { ticket: ticket.ref, error: causeOf(err) }),
          );
      }
      return pending.length;
    },
    /** Wait for Slack work under way (shutdown), at most `ms`. */
    async idle(ms: number): Promise<void> {
      for (const timer of trailing.values()) clearTimeout(timer);
      trailing.clear();
      await within(Promise.allSettled([...inFlight]), ms, undefined);
    },
  };
}
