import { type ConnectionOptions, type Job, Queue, UnrecoverableError } from 'bullmq';
import { grantRevoke, grantSweep, revokeJobId } from '../../jobs/grant-lifecycle.js';
import { type SideWorker, sideWorker } from '../queue/side-worker.js';
import type { Logger } from '../kernel/logger.js';
import type { LifecycleDeps } from '../accounts/lifecycle.js';
import type { RevokeQueue } from '../accounts/revoke-queue.js';

export const GRANTS_QUEUE = 'dbops-grants';
const SWEEP_SCHEDULER = 'grant-sweep';

export interface GrantQueueOptions {
  connection: ConnectionOptions;
  /** Default `dbops-grants`; tests pass their own. */
  queueName?: string;
  /** The installation's prefix (`installationPrefix`). */
  prefix?: string;
}

/** Where revokes are asked for (the bot's Revoke and `/dbops revoke`, the grant job's expiry). */
export class GrantQueue implements RevokeQueue {
  readonly queue: Queue;
  constructor(options: GrantQueueOptions) {
    this.queue = new Queue(options.queueName ?? GRANTS_QUEUE, {
      connection: options.connection,
      ...(options.prefix ? { prefix: options.prefix } : {}),
    });
  }

  /** Revoke now; a second ask while one is queued or running is the same job. */
  async revokeNow(grantId: number, by: string): Promise<void> {
    await this.queue.add(grantRevoke.name, grantRevoke.data.parse({ grant_id: grantId, by }), {
      ...grantRevoke.options,
      jobId: revokeJobId(grantId, 'now'),
    });
  }

  /** Revoke at `at` (a delayed job, kept in Redis across restarts; the sweep catches up if it is lost). */
  async revokeAt(grantId: number, at: Date, now: Date): Promise<void> {
    await this.queue.add(grantRevoke.name, grantRevoke.data.parse({ grant_id: grantId, by: 'dbops' }), {
      ...grantRevoke.options,
      jobId: revokeJobId(grantId, 'expiry'),
      delay: Math.max(0, at.getTime() - now.getTime()),
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface GrantWorkerOptions extends GrantQueueOptions {
  deps: LifecycleDeps;
  /** How often the sweep runs (grants.sweep_seconds). */
  sweepSeconds: number;
  logger: Logger;
}

/**
 * Runs the grant lifecycle jobs. At start it sweeps once (what came due while no worker ran is
 * revoked now) and keeps the sweep's scheduler in place.
 */
export class GrantWorker {
  private constructor(private readonly side: SideWorker) {}

  static async start(options: GrantWorkerOptions): Promise<GrantWorker> {
    const side = sideWorker(options.queueName ?? GRANTS_QUEUE, (job) => processJob(job, options.deps), {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: 4,
      logger: options.logger,
      what: 'grant',
    });
    await side.start(async () => {
      await side.queue.upsertJobScheduler(
        SWEEP_SCHEDULER,
        { every: options.sweepSeconds * 1000 },
        { name: grantSweep.name, data: {}, opts: grantSweep.options },
      );
      await side.queue.add(grantSweep.name, {}, { ...grantSweep.options, jobId: `grant-sweep-start-${Date.now()}` });
    });
    return new GrantWorker(side);
  }

  close(): Promise<void> {
    return this.side.close();
  }
}

async function processJob(job: Job, deps: LifecycleDeps): Promise<unknown> {
  switch (job.name) {
    case grantRevoke.name: {
      const data = grantRevoke.data.safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`bad grant-revoke data: ${data.error.message}`);
      return grantRevoke.process(data.data, deps);
    }
    case grantSweep.name:
      return grantSweep.process({}, deps);
    default:
      throw new UnrecoverableError(`no grant job named ${job.name}`);
  }
}
