import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { InstallationId } from '../db/installation.js';
import type { TicketAbout } from '../tickets/kind.js';
import type { Ticket } from '../tickets/ticket.js';
import type { KeySpace } from '../db/redis-keys.js';
import { publishStop, type StopRequest } from './stop-channel.js';

/** Queue names. A queue name must not contain ':' (BullMQ builds Redis keys with it). */
export const QUEUE_NAMES = {
  /** One job per approved ticket (and attempt). */
  tickets: 'dbops-tickets',
} as const;

/** BullMQ's default Redis key prefix; `runner.redis_prefix` in dbops.yml changes it. */
export const DEFAULT_PREFIX = 'bull';

/**
 * The queue that runs the work of tickets on one cluster (`dbops-tickets.run.prod`). One queue per
 * cluster, so the cluster's `max_concurrent_jobs` is that queue's global concurrency, enforced by
 * BullMQ across every worker process. The ticket queue holds one parent job per ticket attempt;
 * its children (one per part) live in the cluster's run queue.
 */
export function runQueueName(ticketQueue: string, cluster: string): string {
  return `${ticketQueue}.run.${cluster}`;
}

/**
 * Where one installation keeps everything in Redis: `<redis_prefix>:<installation>` is the BullMQ
 * prefix of its queues (tickets, runs, monitors) and of dbops' own keys beside them. Installations
 * sharing a Redis (or a meta database re-created with a new id) never see each other's jobs.
 */
export function installationPrefix(redisPrefix: string, installation: InstallationId): string {
  return `${redisPrefix}:${installation}`;
}

/** `ticket-k3x9m2q7za-42-attempt-1-part-7`: stable, so re-adding a part after a take-over is a no-op. */
export function partJobId(installation: InstallationId, ticketId: number, attempt: number, index: number): string {
  return `${ticketJobId(installation, ticketId, attempt)}-part-${index}`;
}

/** A part job's data: ids only, like the ticket job's. */
export const PartJobData = z.strictObject({
  installation: InstallationId,
  ticketId: z.number().int().positive(),
  attempt: z.number().int().positive(),
  part: z.number().int().min(0),
});
export type PartJobData = z.infer<typeof PartJobData>;

/**
 * Ticket job data: ids only — the installation the ticket belongs to, the ticket and its attempt.
 * The worker reads the rest from the ticket store; never credentials.
 */
export const TicketJobData = z.strictObject({
  installation: InstallationId,
  ticketId: z.number().int().positive(),
  attempt: z.number().int().positive(),
});
export type TicketJobData = z.infer<typeof TicketJobData>;

/**
 * `ticket-k3x9m2q7za-42-attempt-1`. The same installation, ticket and attempt always give the same
 * id, so a second add is a no-op while the first job exists; another installation's T-42 (or this
 * one's before its meta database was re-created) has another id. BullMQ ids must not contain ':'
 * nor be plain integers.
 */
export function ticketJobId(installation: InstallationId, ticketId: number, attempt: number): string {
  return `ticket-${installation}-${ticketId}-attempt-${attempt}`;
}

/** What the ticket service needs from a queue. */
export interface TicketQueue {
  enqueueTicket(
    ticket: Pick<Ticket, 'id'> & { about: Pick<TicketAbout, 'job'> },
    attempt: number,
    options?: { delayMs?: number },
  ): Promise<{ jobId: string }>;
  /** Take a ticket's job out of the queue if it has not started; true when it was removed. */
  removeTicketJob(ticketId: number, attempt: number): Promise<boolean>;
  /** Ask the workers running this ticket attempt to stop at a safe point (a Cancel on a running ticket). */
  requestStop(ticketId: number, attempt: number, request: StopRequest): Promise<void>;
}

export interface JobQueueOptions {
  /** An ioredis client (shared; not closed by `close()`) or connection options (owned). */
  connection: ConnectionOptions;
  /** The installation the queue belongs to: in its Redis prefix, its job ids and its jobs' data. */
  installation: InstallationId;
  /** Queue name; default QUEUE_NAMES.tickets. Tests pass a unique one. */
  queueName?: string;
  /** Redis key prefix (`runner.redis_prefix`); default BullMQ's `bull`. The installation id is appended to it. */
  prefix?: string;
}

/** The ioredis client for dbops' own keys: the connection itself when it is one, else a new one (owned). */
function clientOf(connection: ConnectionOptions): { redis: Redis; owned: boolean } {
  if (connection instanceof Redis) return { redis: connection, owned: false };
  return { redis: new Redis({ ...connection, maxRetriesPerRequest: null, lazyConnect: true }), owned: true };
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
  /** Where this queue's dbops keys (stop requests, edit throttles) live. */
  readonly keySpace: KeySpace;
  readonly installation: InstallationId;
  private readonly redis: { redis: Redis; owned: boolean };

  constructor(options: JobQueueOptions) {
    this.installation = options.installation;
    const prefix = installationPrefix(options.prefix ?? DEFAULT_PREFIX, options.installation);
    this.queue = new Queue<TicketJobData>(options.queueName ?? QUEUE_NAMES.tickets, {
      connection: options.connection,
      prefix,
      defaultJobOptions: TICKET_JOB_OPTIONS,
    });
    this.keySpace = { prefix, queue: this.queue.name };
    this.redis = clientOf(options.connection);
  }

  get name(): string {
    return this.queue.name;
  }

  async enqueueTicket(
    ticket: Pick<Ticket, 'id'> & { about: Pick<TicketAbout, 'job'> },
    attempt: number,
    options: { delayMs?: number } = {},
  ): Promise<{ jobId: string }> {
    const jobId = this.jobId(ticket.id, attempt);
    const data = TicketJobData.parse({ installation: this.installation, ticketId: ticket.id, attempt });
    const delay = Math.max(0, Math.round(options.delayMs ?? 0));
    // The job its kind runs (jobs/<kind>.ts); workers route by `job.name`.
    await this.queue.add(ticket.about.job, data, { jobId, ...(delay > 0 ? { delay } : {}) });
    return { jobId };
  }

  /** The job id of a ticket attempt of this installation. */
  jobId(ticketId: number, attempt: number): string {
    return ticketJobId(this.installation, ticketId, attempt);
  }

  async removeTicketJob(ticketId: number, attempt: number): Promise<boolean> {
    const jobId = this.jobId(ticketId, attempt);
    const state = await this.queue.getJobState(jobId);
    if (!['waiting', 'delayed', 'prioritized', 'paused'].includes(state)) return false;
    return (await this.queue.remove(jobId)) === 1;
  }

  /** Is there a job for this ticket attempt (in any state)? For reconciliation after Redis was wiped. */
  async hasTicketJob(ticketId: number, attempt: number): Promise<boolean> {
    return (await this.queue.getJobState(this.jobId(ticketId, attempt))) !== 'unknown';
  }

  async requestStop(ticketId: number, attempt: number, request: StopRequest): Promise<void> {
    await publishStop(this.redis.redis, this.keySpace, ticketId, attempt, request);
  }

  async close(): Promise<void> {
    await this.queue.close();
    if (this.redis.owned) await this.redis.redis.quit().catch(() => this.redis.redis.disconnect());
  }
}
