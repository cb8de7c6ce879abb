import { hostname } from 'node:os';
import { FlowProducer, Queue, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunnerSection } from '../config/schema.js';
import { ActiveRuns } from './active-runs.js';
import { processTicketJob } from './coordinator.js';
import { causeOf } from './errors.js';
import { processPartJob, stopOf } from './part-processor.js';
import { runQueueName, TicketJobData } from './queues.js';
import { reconcile, type ReconcileDeps } from './reconcile.js';
import { endRun } from './run-end.js';
import type { RunnerDeps } from './runner-deps.js';
import { readStop, StopListener } from './stop-channel.js';
import { within } from '../db/transient.js';

export interface WorkerHostInput {
  /** Shared ioredis client (maxRetriesPerRequest: null); BullMQ duplicates it for blocking reads. */
  redis: Redis;
  settings: RunnerSection;
  /** Everything but what the host builds itself. */
  deps: Omit<RunnerDeps, 'flows' | 'active' | 'worker' | 'heartbeatMs' | 'retries'>;
  reconcile: Omit<ReconcileDeps, keyof RunnerDeps | 'staleAfterMs'>;
  /** This worker's name; default `host:pid`. */
  worker?: string;
}

/**
 * The workers of one process: one on the ticket queue (parents: start, plan, finish) and one per
 * cluster on its run queue (the parts, at most `max_concurrent_jobs` at once across every worker,
 * as the queue's global concurrency). Also listens for stop requests, reconciles the queue with the
 * tickets at start and every `reconcile_seconds`, and shuts down gracefully.
 */
export class WorkerHost {
  private readonly workers: Worker[] = [];
  private readonly runQueues: Queue[] = [];
  private timer: NodeJS.Timeout | undefined;
  private reconciling: Promise<unknown> | undefined;

  private constructor(
    readonly deps: RunnerDeps,
    private readonly input: WorkerHostInput,
    private readonly stops: StopListener,
  ) {}

  static async start(input: WorkerHostInput): Promise<WorkerHost> {
    const { settings, redis } = input;
    const active = new ActiveRuns();
    const flows = new FlowProducer({ connection: redis, prefix: input.deps.prefix });
    const deps: RunnerDeps = {
      ...input.deps,
      flows,
      active,
      worker: input.worker ?? `${hostname()}:${process.pid}`,
      heartbeatMs: settings.heartbeat_seconds * 1000,
      retries: {
        tries: settings.transient_retries,
        backoff: { baseMs: settings.retry_backoff_seconds * 1000, maxMs: 30_000 },
      },
    };
    const stops = new StopListener(
      redis,
      deps.keys,
      (ticketId, attempt) => void deliverStop(deps, ticketId, attempt),
      deps.logger,
    );
    const host = new WorkerHost(deps, input, stops);
    await stops.start();
    await host.startWorkers();
    await host.reconcileNow();
    host.timer = setInterval(() => void host.reconcileNow(), settings.reconcile_seconds * 1000);
    host.timer.unref();
    deps.logger.info('job workers started', {
      worker: deps.worker,
      queue: deps.ticketQueue,
      clusters: Object.keys(deps.config.clusters),
      kinds: deps.registry.names,
    });
    return host;
  }

  private async startWorkers(): Promise<void> {
    const { settings, redis } = this.input;
    const { deps } = this;
    const common: WorkerOptions = {
      connection: redis,
      prefix: deps.prefix,
      name: deps.worker,
      lockDuration: settings.lock_seconds * 1000,
      stalledInterval: settings.stalled_check_seconds * 1000,
      maxStalledCount: settings.max_takeovers,
    };
    const tickets = new Worker(deps.ticketQueue, (job: Job, token?: string) => processTicketJob(job, token, deps), {
      ...common,
      concurrency: settings.concurrency,
    });
    tickets.on('failed', (job) => void this.ticketJobFailed(job));
    this.workers.push(tickets);
    for (const [name, cluster] of Object.entries(deps.config.clusters)) {
      const queueName = runQueueName(deps.ticketQueue, name);
      const queue = new Queue(queueName, { connection: redis, prefix: deps.prefix });
      await queue.setGlobalConcurrency(cluster.max_concurrent_jobs);
      this.runQueues.push(queue);
      this.workers.push(
        new Worker(queueName, (job: Job, token?: string) => processPartJob(job, token, deps), {
          ...common,
          concurrency: cluster.max_concurrent_jobs,
        }),
      );
    }
    for (const worker of this.workers)
      worker.on('error', (err) => deps.logger.warn('job worker error', { queue: worker.name, error: causeOf(err) }));
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  /** The run queues (one per cluster), for queue-depth metrics. */
  get queues(): readonly Queue[] {
    return this.runQueues;
  }

  /**
   * Compare tickets with the queue now (also runs every `reconcile_seconds`), then stop what dead
   * workers of this host left running: a run whose ticket ended without a take-over (its job
   * stalled too often) has no take-over to do it.
   */
  reconcileNow(): Promise<unknown> {
    this.reconciling ??= reconcile({ ...this.deps, ...this.input.reconcile, staleAfterMs: this.staleAfterMs() })
      .catch((err: unknown) => this.deps.logger.warn('reconciliation failed', { error: causeOf(err) }))
      .then(() => this.deps.runDir.sweep())
      .catch((err: unknown) => this.deps.logger.warn('could not sweep the runtime directory', { error: causeOf(err) }))
      .finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  private staleAfterMs(): number {
    const { settings } = this.input;
    return Math.max(3 * settings.heartbeat_seconds, 2 * settings.lock_seconds) * 1000;
  }

  /** A parent job failed outside the runner's own ending (it stalled too often, or its processor crashed): end its ticket. */
  private async ticketJobFailed(job: Job | undefined): Promise<void> {
    const data = TicketJobData.safeParse(job?.data);
    // Another installation's job (refused) says nothing about this installation's ticket of that number.
    if (!job || !data.success || data.data.installation !== this.deps.installation) return;
    try {
      const ticket = await this.deps.tickets.get(data.data.ticketId);
      if (!ticket || ticket.attempt !== data.data.attempt || ticket.state !== 'running') return;
      const run = await this.deps.runs.getRun(data.data);
      if (run?.finishedAt) return;
      await endRun(
        this.deps,
        ticket,
        job.name,
        { outcome: 'failed', summary: `${ticket.ref} stopped: its job failed (${job.failedReason}).` },
        null,
      );
    } catch (err) {
      this.deps.logger.warn('could not end the ticket of a failed job', { jobId: job.id, error: causeOf(err) });
    }
  }

  /**
   * Stop taking jobs; let running ones finish for `shutdown_grace_seconds`, then hand them back to
   * the queue (an idempotent step is interrupted at once, another one may finish first) and wait as
   * long again; whatever still runs then is left to the stalled-job check of the other workers.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const graceMs = this.input.settings.shutdown_grace_seconds * 1000;
    const closing = Promise.all(this.workers.map((w) => w.close())).then(() => true);
    if (!(await within(closing, graceMs, false))) {
      this.deps.logger.warn('running jobs did not finish in the shutdown grace time; handing them back', {
        running: this.deps.active.size,
      });
      this.deps.active.handBackAll();
      if (!(await within(closing, graceMs, false))) await Promise.all(this.workers.map((w) => w.close(true)));
    }
    await this.reconciling;
    await this.deps.relay.idle(5_000);
    await this.stops.close();
    await this.deps.flows.close();
    await Promise.all(this.runQueues.map((q) => q.close()));
  }
}

/** A stop request arrived: abort what this process runs of the ticket (the request says why). */
async function deliverStop(deps: RunnerDeps, ticketId: number, attempt: number): Promise<void> {
  if (!deps.active.holds(ticketId, attempt)) return;
  const request = await readStop(deps.redis, deps.keys, ticketId, attempt).catch(() => null);
  if (!request) return;
  const n = deps.active.stop(ticketId, attempt, stopOf(request));
  if (n > 0)
    deps.logger.info('stopping a ticket run on request', {
      ticket: `T-${ticketId}`,
      attempt,
      kind: request.kind,
      by: request.by,
      units: n,
    });
}
