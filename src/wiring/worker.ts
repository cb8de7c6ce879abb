import { healthRoute } from '../health.js';
import { metricsRoute, serveRoutes } from '../http-routes.js';
import type { AlertRaiser } from '../queue/ticket-alerts.js';
import type { WorkerHost } from '../queue/worker-host.js';
import type { Closers } from '../closers.js';
import { workerExecution } from './execution.js';
import { workerRunbooks } from './runbooks.js';
import { startGrantWorker } from './grants.js';
import { backupJobServices, startBackupWorker } from './backups.js';
import { startAlerts } from './monitoring.js';
import { startRunner } from './runner.js';
import type { Runtime } from './runtime-options.js';
import type { Services } from './services.js';

/**
 * The job workers of this process, unless the options turn them off. Jobs get the process's
 * cluster pools (their lane) and typed services through their context.
 */
export async function startWorkers(
  s: Services,
  alerts: AlertRaiser,
  closers: Closers,
): Promise<WorkerHost | undefined> {
  if (s.options.workers === false) return undefined;
  const runner = await startRunner({
    installation: s.installation,
    config: s.config,
    logger: s.logger,
    meta: s.meta,
    redis: s.redis,
    slack: s.slack.notifier,
    store: s.tickets,
    announcer: s.announcer,
    queue: s.queue,
    clock: s.clock,
    metrics: s.metrics,
    jobs: s.options.jobs ?? s.tickets.kinds.kinds,
    clusters: s.clusters,
    services: {
      execution: workerExecution(s),
      runbooks: workerRunbooks(s),
      grants: s.grants,
      ha: { clusters: s.config.clusters, topology: s.topology, secrets: s.secrets, scrub: workerRunbooks(s).secrets },
      backups: backupJobServices(s),
    },
    runDir: s.runDir,
    worker: s.options.workerName,
    alerts,
    gate: s.gate,
  });
  closers.push(() => runner.stop());
  await startGrantWorker(s, s.grants, closers);
  await startBackupWorker(s, alerts, closers);
  return runner.host;
}

/** DBOPS_ROLE=worker: the job and monitor workers, and `/healthz` and `/metrics` on PORT. */
export async function startWorker(s: Services, closers: Closers): Promise<Omit<Runtime, 'stop'>> {
  const http = await serveRoutes([healthRoute({ meta: s.meta, redis: s.redis }), metricsRoute(s.metrics)], s.env.PORT);
  closers.push(() => http.close());
  const monitoring = await startAlerts(s, true, closers);
  const runner = await startWorkers(s, monitoring.alerts, closers);
  s.logger.info('dbops worker is running', { port: http.port });
  return { port: http.port, installation: s.installation, runner, monitoring };
}
