import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { Ticket, TicketKind } from '../tickets/ticket.js';

/** Queue names. A queue name must not contain ':' (BullMQ builds Redis keys with it). */
export const QUEUE_NAMES = {
  /** One job per approved ticket (and attempt). */
  tickets: 'dbops-tickets',
} as const;

/** The job a worker runs for each ticket kind (`jobs/<name>.ts`); workers route by `job.name`. */
export const JOB_FOR_KIND: Readonly<Record<TicketKind, string>> = {
  'sql-change': 'execute-sql',
  migrate: 'migrate',
  rollback: 'rollback',
};

/** Ticket job data: ids only. The worker reads the rest from the ticket store; never credentials. */
export const TicketJobData = z.strictObject({
  ticketId: z.number().int().positive(),
  attempt: z.number().int().positive(),
});
export type TicketJobData = z.infer<typeof TicketJobData>;

/**
 * `ticket-42-attempt-1`. The same ticket and attempt always give the same id, so a second add is a
 * no-op while the first job exists. BullMQ ids must not contain ':' nor be plain integers.
 */
export function ticketJobId(ticketId: number, attempt: number): string {
  return `ticket-${ticketId}-attempt-${attempt}`;
}

/** What the ticket service needs from a queue. */
export interface TicketQueue {
  enqueueTicket(ticket: Pick<Ticket, 'id' | 'kind'>, attempt: number, options?: { delayMs?: number }): Promise<{ jobId: string }>;
  /** Take a ticket's job out of the queue if it has not started; true when it was removed. */
  removeTicketJob(ticketId: number, attempt: number): Promise<boolean>;
}

export interface JobQueueOptions {
  /** An ioredis client (shared; not closed by `close()`) or connection options (owned). */
  connection: ConnectionOptions;
  /** Queue name; default QUEUE_NAMES.tickets. Tests pass a unique one. */
  queueName?: string;
  /** Redis key prefix; default BullMQ's `bull`. */
  prefix?: string;
}

/**
 * Default options for ticket jobs. One attempt: a half-applied schema change must not be replayed
 * blindly; a retry is a new attempt a DBA asks for (and a new job id). Finished jobs are kept a while
 * so a late duplicate add still finds the id taken; the ticket state fences re-runs after that.
 */
const TICKET_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** The BullMQ queue tickets are handed to. */
export class JobQueue implements TicketQueue {
  readonly queue: Queue<TicketJobData>;

  constructor(options: JobQueueOptions) {
    this.queue = new Queue<TicketJobData>(options.queueName ?? QUEUE_NAMES.tickets, {
      connection: options.connection,
      ...(options.prefix ? { prefix: options.prefix } : {}),
      defaultJobOptions: TICKET_JOB_OPTIONS,
    });
  }

  get name(): string {
    return this.queue.name;
  }

  async enqueueTicket(ticket: Pick<Ticket, 'id' | 'kind'>, attempt: number, options: { delayMs?: number } = {}): Promise<{ jobId: string }> {
    const jobId = ticketJobId(ticket.id, attempt);
    const data = TicketJobData.parse({ ticketId: ticket.id, attempt });
    const delay = Math.max(0, Math.round(options.delayMs ?? 0));
    await this.queue.add(JOB_FOR_KIND[ticket.kind], data, { jobId, ...(delay > 0 ? { delay } : {}) });
    return { jobId };
  }

  async removeTicketJob(ticketId: number, attempt: number): Promise<boolean> {
    const jobId = ticketJobId(ticketId, attempt);
    const state = await this.queue.getJobState(jobId);
    if (!['waiting', 'delayed', 'prioritized', 'paused'].includes(state)) return false;
    return (await this.queue.remove(jobId)) === 1;
  }

  /** Is there a job for this ticket attempt (in any state)? For reconciliation after Redis was wiped. */
  async hasTicketJob(ticketId: number, attempt: number): Promise<boolean> {
    return (await this.queue.getJobState(ticketJobId(ticketId, attempt))) !== 'unknown';
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
