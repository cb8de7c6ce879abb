import { type Queue, UnrecoverableError, type Worker, type ConnectionOptions, type Job } from 'bullmq';
import { alertSweep, monitorPoll, weeklyDigest, type MonitorJobContext } from '../../jobs/monitor.js';
import type { DbopsConfig } from '../config/schema.js';
import { weeklyCron } from '../diagnose/weekly-digest.js';
import { configuredInstances } from '../inventory/instances.js';
import type { Logger } from '../kernel/logger.js';
import { type SideWorker, sideWorker } from '../queue/side-worker.js';

export const MONITOR_QUEUE = 'dbops-monitors';
/** Scheduler ids: `poll-<cluster>-<host>-<port>` per instance, and the sweep. */
const POLL_PREFIX = 'poll-';
const SWEEP_SCHEDULER = 'alert-sweep';
const DIGEST_SCHEDULER = 'weekly-digest';
const SWEEP_EVERY_MS = 60_000;

export interface MonitorWorkerOptions {
  /** An ioredis client (shared; BullMQ duplicates it for the worker's blocking reads) or options. */
  connection: ConnectionOptions;
  /** Queue name; default `dbops-monitors`. Tests pass a unique one. */
  queueName?: string;
  /** Redis key prefix; default BullMQ's `bull`. */
  prefix?: string;
  config: Pick<DbopsConfig, 'clusters' | 'monitors'>;
  context: MonitorJobContext;
  logger: Logger;
  /** Create the job schedulers (one per instance, one sweep); false: the worker only runs jobs it is given. Default true. */
  schedule?: boolean;
}

/**
 * The monitor worker: a BullMQ queue of its own with a job scheduler per configured instance
 * (every `monitors.interval_seconds`) and one for the alert sweep (every minute), and a Worker
 * running `monitors.concurrency` polls at once. Schedulers of instances no longer in the config
 * are removed at start.
 */
export class MonitorWorker {
  readonly queue: Queue;
  private readonly worker: Worker;

  private constructor(
    private readonly side: SideWorker,
    private readonly logger: Logger,
  ) {
    this.queue = side.queue;
    this.worker = side.worker;
  }

  static async start(options: MonitorWorkerOptions): Promise<MonitorWorker> {
    const side = sideWorker(options.queueName ?? MONITOR_QUEUE, (job) => processJob(job, options.context), {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.config.monitors.concurrency,
      logger: options.logger,
      what: 'monitor',
    });
    const self = new MonitorWorker(side, options.logger);
    await side.start(async () => {
      if (options.schedule !== false) await self.syncSchedulers(options.config);
    });
    return self;
  }

  /** One scheduler per configured instance, the sweep, and none for instances the config dropped. */
  async syncSchedulers(config: Pick<DbopsConfig, 'clusters' | 'monitors'>): Promise<number> {
    const wanted = new Map<string, { cluster: string; instance: string }>();
    if (config.monitors.enabled) {
      for (const instance of configuredInstances(config))
        wanted.set(pollSchedulerId(instance.cluster, instance.name), {
          cluster: instance.cluster,
          instance: instance.name,
        });
    }
    const every = config.monitors.interval_seconds * 1000;
    for (const [id, data] of wanted) {
      await this.queue.upsertJobScheduler(
        id,
        { every },
        { name: monitorPoll.name, data: monitorPoll.data.parse(data), opts: monitorPoll.options },
      );
    }
    await this.queue.upsertJobScheduler(
      SWEEP_SCHEDULER,
      { every: SWEEP_EVERY_MS },
      { name: alertSweep.name, data: {}, opts: alertSweep.options },
    );
    const digest = config.monitors.weekly_digest;
    if (config.monitors.enabled && digest.enabled)
      await this.queue.upsertJobScheduler(
        DIGEST_SCHEDULER,
        { pattern: weeklyCron(digest), tz: digest.timezone },
        { name: weeklyDigest.name, data: {}, opts: weeklyDigest.options },
      );
    else await this.queue.removeJobScheduler(DIGEST_SCHEDULER);
    const existing = await this.queue.getJobSchedulers(0, -1);
    for (const scheduler of existing) {
      const id = scheduler.id ?? scheduler.key;
      if (id.startsWith(POLL_PREFIX) && !wanted.has(id)) await this.queue.removeJobScheduler(id);
    }
    this.logger.info('monitor schedulers in place', {
      instances: wanted.size,
      everySeconds: config.monitors.interval_seconds,
    });
    return wanted.size;
  }

  /** Called after each job the worker finished (benchmarks count polls with it). */
  onCompleted(listener: (name: string) => void): void {
    this.worker.on('completed', (job) => listener(job.name));
  }

  close(): Promise<void> {
    return this.side.close();
  }
}

export function pollSchedulerId(cluster: string, instance: string): string {
  return `${POLL_PREFIX}${cluster}-${instance}`.replace(/[^A-Za-z0-9_.-]/g, '-');
}

/** Route by job name; bad data is unrecoverable (retrying would not fix it). */
async function processJob(job: Job, context: MonitorJobContext): Promise<string> {
  switch (job.name) {
    case monitorPoll.name: {
      const data = monitorPoll.data.safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`bad monitor-poll data: ${data.error.message}`);
      return monitorPoll.process(data.data, context);
    }
    case alertSweep.name:
      return alertSweep.process({}, context);
    case weeklyDigest.name:
      return weeklyDigest.process({}, context);
    default:
      throw new UnrecoverableError(`no monitor job named ${job.name}`);
  }
}
