import { type ConnectionOptions, type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { backupRun, backupSweep, type BackupRunData } from './jobs.js';
import type { DbopsConfig } from '../config/schema.js';
import { messageOf, toError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import type { RaiseAlert } from '../monitor/alert-service.js';
import { type BackupEngineDeps, type BackupOutcome, failDeadRuns, lockFree, runBackup } from './engine.js';
import { BackupBusy, BackupError } from './errors.js';
import { missedRun, overdueSince, retryDelayMs } from './schedule.js';

export const BACKUP_QUEUE = 'dbops-backups';
const SCHEDULE_PREFIX = 'backup-';
const SWEEP_SCHEDULER = 'backup-sweep';

export interface BackupQueueOptions {
  connection: ConnectionOptions;
  /** Default `dbops-backups`; the wiring passes `<runner.queue>.backups`, tests their own. */
  queueName?: string;
  /** The installation's prefix (`installationPrefix`). */
  prefix?: string;
  config: Pick<DbopsConfig, 'backups' | 'clusters'>;
}

/** The alerts a backup raises and ends (the alert service's, src/monitor/). */
export interface BackupAlerts {
  raise(alert: RaiseAlert): Promise<unknown>;
  resolve(key: { cluster: string; checkId: string; subject?: string }): Promise<unknown>;
}

/** Who is told about a run (the requester of a manual backup, by DM). */
export interface BackupAnnouncer {
  finished(requestedBy: string, text: string): Promise<void>;
}

/** Duration, bytes and outcome per run (dbops_backup_*). */
export interface BackupMetrics {
  observe(cluster: string, outcome: 'good' | 'failed', seconds: number, bytes: number): void;
}

/** Where backups are asked for: `/dbops backup` and the catch-up. */
export class BackupQueue {
  readonly queue: Queue;
  constructor(private readonly options: BackupQueueOptions) {
    this.queue = new Queue(options.queueName ?? BACKUP_QUEUE, {
      connection: options.connection,
      ...(options.prefix ? { prefix: options.prefix } : {}),
    });
  }

  /** Job options of a run: the first try and `backups.retries` more, waits doubling within `retry_within`. */
  runOptions(): Job['opts'] {
    const { retries, retry_within } = this.options.config.backups;
    return {
      ...backupRun.options,
      attempts: retries + 1,
      backoff: { type: 'exponential', delay: retryDelayMs(retries, retry_within) },
    };
  }

  /** A backup now; returns the job id. */
  async now(cluster: string, by: string | null, at: Date): Promise<string> {
    const data = backupRun.data.parse({ cluster, trigger: 'manual', requested_by: by });
    const jobId = `backup-${cluster}-manual-${at.getTime()}`;
    await this.queue.add(backupRun.name, data, { ...this.runOptions(), jobId });
    return jobId;
  }

  /** The catch-up of a missed run: one job per missed due time, however many workers start. */
  async catchUp(cluster: string, due: Date): Promise<void> {
    const data = backupRun.data.parse({ cluster, trigger: 'catch-up' });
    await this.queue.add(backupRun.name, data, {
      ...this.runOptions(),
      jobId: `backup-${cluster}-catchup-${due.getTime()}`,
    });
  }

  /** One job scheduler per cluster with a `backup.schedule` (cron in its zone); others' are removed. */
  async syncSchedulers(): Promise<string[]> {
    const wanted = new Map<string, { pattern: string; tz: string }>();
    for (const [name, cluster] of Object.entries(this.options.config.clusters))
      if (cluster.backup?.schedule)
        wanted.set(`${SCHEDULE_PREFIX}${name}`, { pattern: cluster.backup.schedule, tz: cluster.timezone });
    for (const existing of await this.queue.getJobSchedulers(0, -1)) {
      if (existing.key.startsWith(SCHEDULE_PREFIX) && existing.key !== SWEEP_SCHEDULER && !wanted.has(existing.key))
        await this.queue.removeJobScheduler(existing.key);
    }
    for (const [id, repeat] of wanted) {
      const cluster = id.slice(SCHEDULE_PREFIX.length);
      await this.queue.upsertJobScheduler(id, repeat, {
        name: backupRun.name,
        data: backupRun.data.parse({ cluster, trigger: 'schedule' }),
        opts: this.runOptions(),
      });
    }
    return [...wanted.keys()];
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface BackupWorkerOptions extends BackupQueueOptions {
  engine: BackupEngineDeps;
  alerts: BackupAlerts;
  announcer: BackupAnnouncer;
  metrics: BackupMetrics;
  logger: Logger;
  /** Create the job schedulers and catch up (default true); false: runs only what it is given (tests). */
  schedule?: boolean;
}

/**
 * Runs backups: each cluster's schedule, the catch-up of a run missed while no worker was up (once,
 * at start), manual runs, and the sweep (runs left by a dead worker, overdue backups). A run that
 * fails is tried again up to `backups.retries` times within `retry_within`; the last failure raises
 * `backup-failed`, a good run ends it. A failed restore check raises `backup-verify-failed`.
 */
export class BackupWorker {
  private constructor(
    readonly queue: BackupQueue,
    private readonly worker: Worker,
    private readonly logger: Logger,
  ) {}

  static async start(options: BackupWorkerOptions): Promise<BackupWorker> {
    const queue = new BackupQueue(options);
    const name = queue.queue.name;
    const worker = new Worker(name, (job, token) => processJob(job, options, token), {
      connection: options.connection,
      ...(options.prefix ? { prefix: options.prefix } : {}),
      concurrency: 4,
      autorun: false,
      // A dump can hold the event loop for a while on a big line; a lost lock would run it twice.
      lockDuration: 60_000,
    });
    worker.on('failed', (job, err) =>
      options.logger.warn('backup job failed', { job: job?.name, data: job?.data, attempt: job?.attemptsMade }, err),
    );
    worker.on('error', (err) => options.logger.warn('backup worker error', err));
    const self = new BackupWorker(queue, worker, options.logger);
    try {
      if (options.schedule !== false) {
        await queue.syncSchedulers();
        await queue.queue.upsertJobScheduler(
          SWEEP_SCHEDULER,
          { every: options.config.backups.sweep_seconds * 1000 },
          { name: backupSweep.name, data: {}, opts: backupSweep.options },
        );
        await catchUpMissed(queue, options);
      }
      void worker.run().catch((err: unknown) => options.logger.error('the backup worker stopped', toError(err)));
      await worker.waitUntilReady();
    } catch (err) {
      await self.close();
      throw err;
    }
    return self;
  }

  async close(): Promise<void> {
    await this.worker
      .close()
      .catch((err: unknown) => this.logger.warn('error closing the backup worker', toError(err)));
    await this.queue.close();
  }
}

/** At start: each scheduled cluster whose last due run never started gets one run now. */
async function catchUpMissed(queue: BackupQueue, options: BackupWorkerOptions): Promise<void> {
  const now = options.engine.now();
  for (const [name, cluster] of Object.entries(options.config.clusters)) {
    const schedule = cluster.backup?.schedule;
    if (!schedule) continue;
    const latest = await options.engine.store.latest(name);
    const due = missedRun(schedule, cluster.timezone, latest.started, now);
    if (!due) continue;
    // A cluster never backed up is caught up only if dbops existed at the due time: a new
    // installation (or a schedule just added) waits for its first run rather than dumping at start.
    if (!latest.started) continue;
    options.logger.info('catching up a missed backup', { cluster: name, due: due.toISOString() });
    await queue.catchUp(name, due);
  }
}

async function processJob(job: Job, options: BackupWorkerOptions, token: string | undefined): Promise<unknown> {
  if (job.name === backupSweep.name) return sweep(options);
  if (job.name !== backupRun.name) throw new UnrecoverableError(`no backup job named ${job.name}`);
  const parsed = backupRun.data.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad backup-run data: ${parsed.error.message}`);
  const data = parsed.data;
  const started = Date.now();
  const attempts = job.opts.attempts ?? 1;
  const controller = new AbortController();
  try {
    const outcome = await runBackup(
      {
        cluster: data.cluster,
        trigger: data.trigger,
        requestedBy: data.requested_by,
        attempt: job.attemptsMade + 1,
        signal: controller.signal,
      },
      options.engine,
    );
    options.metrics.observe(data.cluster, 'good', (Date.now() - started) / 1000, outcome.set.bytes ?? 0);
    await afterGood(outcome, data, options);
    return { set: outcome.set.ref, verified: outcome.verify?.passed ?? null, removed: outcome.removed };
  } catch (err) {
    if (err instanceof BackupBusy) {
      options.logger.info('backup skipped: one is running', { cluster: data.cluster });
      return { skipped: err.message };
    }
    options.metrics.observe(data.cluster, 'failed', (Date.now() - started) / 1000, 0);
    const retryable = !(err instanceof BackupError) || err.retryable;
    const last = !retryable || job.attemptsMade + 1 >= attempts;
    if (last) await afterLastFailure(err, data, job.attemptsMade + 1, options);
    if (!retryable) throw new UnrecoverableError(messageOf(err));
    throw err;
  } finally {
    void token;
  }
}

async function afterGood(outcome: BackupOutcome, data: BackupRunData, options: BackupWorkerOptions): Promise<void> {
  const { set, verify } = outcome;
  await options.alerts.resolve({ cluster: data.cluster, checkId: 'backup-failed' }).catch(warn(options, 'resolve'));
  await options.alerts.resolve({ cluster: data.cluster, checkId: 'backup-overdue' }).catch(warn(options, 'resolve'));
  if (verify && !verify.passed)
    await options.alerts
      .raise({
        cluster: data.cluster,
        checkId: 'backup-verify-failed',
        subject: set.ref,
        severity: 'warning',
        summary: `${set.ref} of ${data.cluster} did not pass its restore check: ${verify.detail}`,
        value: 'failed',
        details: { set: set.id },
      })
      .catch(warn(options, 'raise'));
  if (data.requested_by) {
    const size =
      set.bytes === null
        ? ''
        : ` (${set.tables} tables, ${(set.rows ?? 0).toLocaleString('en-US')} rows, ${set.bytes.toLocaleString('en-US')} bytes)`;
    const verified = verify ? ` ${verify.passed ? '✅' : '⚠️'} ${verify.detail}.` : '';
    await options.announcer
      .finished(data.requested_by, `Backup ${set.ref} of ${data.cluster} is written${size}.${verified}`)
      .catch(warn(options, 'announce'));
  }
}

async function afterLastFailure(
  err: unknown,
  data: BackupRunData,
  tries: number,
  options: BackupWorkerOptions,
): Promise<void> {
  const why = messageOf(err);
  await options.alerts
    .raise({
      cluster: data.cluster,
      checkId: 'backup-failed',
      severity: options.config.clusters[data.cluster]?.env === 'prod' ? 'critical' : 'warning',
      summary: `the backup of ${data.cluster} failed${tries > 1 ? ` ${tries} times` : ''}: ${why.length > 500 ? `${why.slice(0, 499)}…` : why}`,
      value: 'failed',
      details: { tries, trigger: data.trigger },
    })
    .catch(warn(options, 'raise'));
  if (data.requested_by)
    await options.announcer
      .finished(data.requested_by, `The backup of ${data.cluster} failed: ${why}`)
      .catch(warn(options, 'announce'));
}

/** Runs left by a dead worker (their lock is free) fail; a scheduled cluster with no good set in time alerts. */
async function sweep(options: BackupWorkerOptions): Promise<string> {
  const { engine } = options;
  const now = engine.now();
  const notes: string[] = [];
  for (const [name, cluster] of Object.entries(options.config.clusters)) {
    const running = await engine.store.byState(name, 'running');
    if (running.length > 0 && (await lockFree(engine.meta, engine.installation, name))) {
      // Taken between the two reads by a new run? It holds the lock then, and failDeadRuns only sees the dead.
      if (await lockFree(engine.meta, engine.installation, name)) notes.push(...(await failDeadRuns(name, engine)));
    }
    const schedule = cluster.backup?.schedule;
    if (!schedule) continue;
    const latest = await engine.store.latest(name);
    const due = overdueSince(schedule, cluster.timezone, latest.good, now, options.config.backups.grace);
    if (due && latest.started) {
      await options.alerts
        .raise({
          cluster: name,
          checkId: 'backup-overdue',
          severity: cluster.env === 'prod' ? 'critical' : 'warning',
          summary: `no good backup of ${name} since the run due ${due.toISOString().slice(0, 16).replace('T', ' ')} UTC (schedule ${schedule}, grace ${Math.round(options.config.backups.grace / 3600)} h)`,
          value: latest.good ? latest.good.toISOString() : 'never',
        })
        .catch(warn(options, 'raise'));
      notes.push(`${name} overdue`);
    }
  }
  return notes.length > 0 ? notes.join(', ') : 'ok';
}

function warn(options: BackupWorkerOptions, what: string): (err: unknown) => void {
  return (err) => options.logger.warn(`backup worker could not ${what}`, toError(err));
}
