import type { Redis } from 'ioredis';
import type { Pool } from 'mysql2/promise';
import type { RuntimeDir } from '../config/runtime-dir.js';
import type { DbopsConfig } from '../config/schema.js';
import type { InstallationId } from '../db/installation.js';
import type { ClusterPools } from '../db/pools.js';
import { createMetaServerProbe } from '../inventory/meta-server.js';
import type { Logger } from '../kernel/logger.js';
import type { AlertRaiser } from '../queue/ticket-alerts.js';
import type { Metrics } from '../metrics.js';
import { collectDepths } from '../queue/queue-depths.js';
import { createProgressRelay } from '../slack/progress-relay.js';
import type { Notifier } from '../slack/notifier.js';
import type { TicketAnnouncer } from '../slack/ticket-announcer.js';
import type { ApprovalGate } from '../tickets/approval-gate.js';
import { createProtectedTargets } from '../tickets/protected-targets.js';
import type { Clock } from '../tickets/service.js';
import type { TicketStore } from '../tickets/store.js';
import type { JobServices, TicketJobKind } from '../queue/job-kind.js';
import type { JobQueue } from '../queue/queues.js';
import { JobRegistry } from '../queue/registry.js';
import { RunStore } from '../queue/run-store.js';
import { StepJournal } from '../queue/step-journal.js';
import { redisCatalogVersions } from './catalog-versions.js';
import { WorkerHost } from '../queue/worker-host.js';

export interface RunnerParts {
  /** This installation: its workers run its jobs only, and what jobs write outside the meta database carries it. */
  installation: InstallationId;
  config: DbopsConfig;
  logger: Logger;
  meta: Pool;
  redis: Redis;
  slack: Notifier;
  store: TicketStore;
  announcer: TicketAnnouncer;
  queue: JobQueue;
  clock: Clock;
  metrics: Metrics;
  jobs: readonly TicketJobKind[];
  /** The process's cluster pools: jobs get their lane (`clusters.jobs`); the caller closes them. */
  clusters: ClusterPools;
  /** What the wiring gives jobs through their context (`ctx.services`). */
  services: JobServices;
  /** This process's runtime directory (jobs' files that may hold a secret). */
  runDir: RuntimeDir;
  /** This worker's name; default `host:pid`. */
  worker?: string;
  /** Where a failed ticket job raises its alert (src/monitor/). */
  alerts?: AlertRaiser;
  /** Only sealed approvals let a ticket run (src/tickets/approval-gate.ts). */
  gate: ApprovalGate;
}

/** Start the job workers of this process; `stop()` shuts them down gracefully. */
export async function startRunner(parts: RunnerParts): Promise<{ host: WorkerHost; stop(): Promise<void> }> {
  const { config, logger, meta, redis, slack, store, announcer, queue, clock, metrics } = parts;
  const settings = config.runner;
  const runs = new RunStore(meta);
  const journal = new StepJournal(meta);
  const keys = queue.keySpace;
  const relay = createProgressRelay({
    slack,
    runs,
    journal,
    tickets: store,
    announcer,
    redis,
    keys,
    clock,
    logger,
    editIntervalMs: settings.progress_edit_seconds * 1000,
  });
  const { clusters } = parts;
  const protection = createProtectedTargets({
    config,
    meta: createMetaServerProbe({ meta, primary: (cluster) => clusters.jobs.primary(cluster), clock }),
  });
  const host = await WorkerHost.start({
    redis,
    settings,
    worker: parts.worker,
    deps: {
      installation: parts.installation,
      registry: new JobRegistry(parts.jobs),
      tickets: store,
      announcer,
      config,
      redis,
      keys,
      runs,
      journal,
      relay,
      clusters: clusters.jobs,
      services: parts.services,
      clock,
      logger,
      metrics,
      runDir: parts.runDir,
      ticketQueue: queue.name,
      prefix: keys.prefix,
      alerts: parts.alerts,
      gate: parts.gate,
      protection,
      catalogVersions: redisCatalogVersions(redis, keys),
    },
    reconcile: { queue },
  });
  metrics.addCollector(() => collectDepths(metrics, [queue.queue, ...host.queues]));
  return { host, stop: () => host.stop() };
}
