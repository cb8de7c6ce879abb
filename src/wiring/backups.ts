import { BackupBot } from '../backup/bot.js';
import type { BackupJobServices } from '../backup/job-services.js';
import { BackupStore } from '../backup/store.js';
import { type BackupAlerts, BackupQueue, BackupWorker } from '../backup/worker.js';
import type { Closers } from '../closers.js';
import { toError } from '../kernel/errors.js';
import { installationPrefix } from '../queue/queues.js';
import { backupDoneDm } from '../slack/views/backups.js';
import type { Services } from './services.js';

/** The backup parts every role shares: the store of sets and the queue backups are asked on. */
export interface BackupParts {
  store: BackupStore;
  queue: BackupQueue;
}

export function openBackupParts(s: Omit<Services, 'grants' | 'backups'>, closers: Closers): BackupParts {
  const queue = new BackupQueue({
    connection: s.redis,
    queueName: `${s.options.queueName ?? s.config.runner.queue}.backups`,
    prefix: installationPrefix(s.config.runner.redis_prefix, s.installation),
    config: s.config,
  });
  closers.push(() => queue.close());
  return { store: new BackupStore(s.meta), queue };
}

export function backupJobServices(s: Services): BackupJobServices {
  return { store: s.backups.store, threads: s.config.backups.threads };
}

export function createBackupBot(s: Services): BackupBot {
  return new BackupBot({
    config: s.config,
    pools: s.clusters,
    store: s.backups.store,
    queue: s.backups.queue,
    now: () => s.clock.now(),
  });
}

/** The backup worker (schedules, catch-up, retries, sweep), where `backups.dir` is set. */
export async function startBackupWorker(s: Services, alerts: BackupAlerts, closers: Closers): Promise<void> {
  if (!s.config.backups.dir) return;
  const logger = s.logger.child({ name: 'backups' });
  const worker = await BackupWorker.start({
    connection: s.redis,
    queueName: s.backups.queue.queue.name,
    prefix: installationPrefix(s.config.runner.redis_prefix, s.installation),
    config: s.config,
    engine: {
      config: s.config,
      store: s.backups.store,
      meta: s.meta,
      pools: s.clusters.jobs,
      installation: s.installation,
      workDir: (name) => s.runDir.dir(name),
      removeWorkDir: (name) => s.runDir.remove(name),
      worker: s.options.workerName ?? `${process.pid}`,
      now: () => s.clock.now(),
      logger,
    },
    alerts,
    announcer: {
      finished: async (user, text) => {
        await s.slack.notifier.dm(user, backupDoneDm(text));
      },
    },
    metrics: {
      observe: (cluster, outcome, seconds, bytes) => {
        s.metrics.backups.inc({ cluster, outcome });
        s.metrics.backupDuration.observe({ cluster, outcome }, seconds);
        if (outcome === 'good') s.metrics.backupBytes.set({ cluster }, bytes);
      },
    },
    logger,
    schedule: s.options.backupSchedules ?? true,
  }).catch((err: unknown) => {
    throw toError(err);
  });
  closers.push(() => worker.close());
}
