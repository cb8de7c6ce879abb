import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import { toError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { type ApprovalTimerDeps, sweepApprovalTimers, type TimerSweep } from '../tickets/approval-timers.js';

const SWEEP_JOB = 'approval-timers';
const SCHEDULER = 'approval-timers';

export interface ApprovalTimersOptions {
  connection: ConnectionOptions;
  /** The queue's name (`<ticket queue>.timers`). */
  queueName: string;
  /** The installation's prefix (`installationPrefix`). */
  prefix: string;
  /** How often the sweep runs (policy.timers_sweep_seconds). */
  everySeconds: number;
  /** false: no job scheduler, sweeps run only when asked (tests drive them with their clock). */
  schedule?: boolean;
  deps: ApprovalTimerDeps;
  logger: Logger;
}

/**
 * Reminders, escalations and expiry of tickets waiting for a DBA. The state lives in the meta
 * database (the ticket's events), the clock in a BullMQ job scheduler in Redis: a restart, or a
 * bot that was down for a day, catches up at the next sweep. Several bots share one scheduler id,
 * so the sweep runs once per interval whichever bot takes it (and twice would do no harm).
 */
export class ApprovalTimers {
  private constructor(
    private readonly queue: Queue,
    private readonly worker: Worker,
    private readonly deps: ApprovalTimerDeps,
    private readonly logger: Logger,
  ) {}

  static async start(options: ApprovalTimersOptions): Promise<ApprovalTimers> {
    const prefix = { prefix: options.prefix };
    const queue = new Queue(options.queueName, { connection: options.connection, ...prefix });
    const worker = new Worker(options.queueName, () => sweepApprovalTimers(options.deps), {
      connection: options.connection,
      ...prefix,
      concurrency: 1,
      autorun: false,
    });
    worker.on('failed', (job, err) => options.logger.warn('the approval-timer sweep failed', { job: job?.id }, err));
    worker.on('error', (err) => options.logger.warn('approval-timer worker error', err));
    const self = new ApprovalTimers(queue, worker, options.deps, options.logger);
    try {
      const opts = { attempts: 1, removeOnComplete: true, removeOnFail: { age: 86_400, count: 100 } };
      if (options.schedule !== false) {
        await queue.upsertJobScheduler(
          SCHEDULER,
          { every: options.everySeconds * 1000 },
          { name: SWEEP_JOB, data: {}, opts },
        );
        await queue.add(SWEEP_JOB, {}, opts);
      }
      void worker
        .run()
        .catch((err: unknown) => options.logger.error('the approval-timer worker stopped', toError(err)));
      await worker.waitUntilReady();
    } catch (err) {
      await self.close();
      throw err;
    }
    return self;
  }

  /** One sweep now, in this process (tests, after moving their clock). */
  sweep(): Promise<TimerSweep> {
    return sweepApprovalTimers(this.deps);
  }

  async close(): Promise<void> {
    await this.worker
      .close()
      .catch((err: unknown) => this.logger.warn('error closing the approval timers', toError(err)));
    await this.queue.close();
  }
}
