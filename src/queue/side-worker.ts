import { type ConnectionOptions, type Processor, Queue, Worker } from 'bullmq';
import { toError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';

/**
 * A side queue (grants, monitoring, approval timers) and its worker, not yet running: `start` it
 * once its schedulers are in place. `what` names it in the logs (`grant job failed`, `the grant
 * worker stopped`, `error closing the grant worker`).
 */
export interface SideWorker {
  queue: Queue;
  worker: Worker;
  /** Run the worker after `prepare` (its schedulers, a first job); if either fails, close both and rethrow. */
  start(prepare?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface SideWorkerOptions {
  connection: ConnectionOptions;
  prefix?: string;
  concurrency: number;
  logger: Logger;
  what: string;
  /** How a failed job is logged; default `<what> job failed` with its name and data. */
  onFailed?: (job: { id?: string; name: string; data: unknown } | undefined, err: Error) => void;
}

export function sideWorker(name: string, processor: Processor, options: SideWorkerOptions): SideWorker {
  const { logger, what } = options;
  const prefix = options.prefix ? { prefix: options.prefix } : {};
  const queue = new Queue(name, { connection: options.connection, ...prefix });
  const worker = new Worker(name, processor, {
    connection: options.connection,
    ...prefix,
    concurrency: options.concurrency,
    autorun: false,
  });
  worker.on(
    'failed',
    options.onFailed ?? ((job, err) => logger.warn(`${what} job failed`, { job: job?.name, data: job?.data }, err)),
  );
  worker.on('error', (err) => logger.warn(`${what} worker error`, err));
  const close = async () => {
    await worker.close().catch((err: unknown) => logger.warn(`error closing the ${what} worker`, toError(err)));
    await queue.close();
  };
  return {
    queue,
    worker,
    close,
    async start(prepare) {
      try {
        await prepare?.();
        void worker.run().catch((err: unknown) => logger.error(`the ${what} worker stopped`, toError(err)));
        await worker.waitUntilReady();
      } catch (err) {
        await close();
        throw err;
      }
    },
  };
}
