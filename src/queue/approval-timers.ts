import type { ConnectionOptions } from 'bullmq';
import type { Logger } from '../kernel/logger.js';
import { type ApprovalTimerDeps, sweepApprovalTimers, type TimerSweep } from '../tickets/approval-timers.js';
import { type SideWorker, sideWorker } from './side-worker.js';

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
    private readonly side: SideWorker,
    private readonly deps: ApprovalTimerDeps,
  ) {}

  static async start(options: ApprovalTimersOptions): Promise<ApprovalTimers> {
    const { logger } = options;
    const side = sideWorker(options.queueName, () => sweepApprovalTimers(options.deps), {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: 1,
      logger,
      what: 'approval-timer',
      onFailed: (job, err) => logger.warn('the approval-timer sweep failed', { job: job?.id }, err),
    });
    await side.start(async () => {
      const opts = { attempts: 1, removeOnComplete: true, removeOnFail: { age: 86_400, count: 100 } };
      if (options.schedule !== false) {
        await side.queue.upsertJobScheduler(
          SCHEDULER,
          { every: options.everySeconds * 1000 },
          { name: SWEEP_JOB, data: {}, opts },
        );
        await side.queue.add(SWEEP_JOB, {}, opts);
      }
    });
    return new ApprovalTimers(side, options.deps);
  }

  /** One sweep now, in this process (tests, after moving their clock). */
  sweep(): Promise<TimerSweep> {
    return sweepApprovalTimers(this.deps);
  }

  close(): Promise<void> {
    return this.side.close();
  }
}
