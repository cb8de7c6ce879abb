import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import mysql, { type Pool } from 'mysql2/promise';
import { parseConfig } from '../../src/config/load.js';
import { openRuntimeDir } from '../../src/config/runtime-dir.js';
import type { DbopsConfig } from '../../src/config/schema.js';
import { ensureInstallation, type InstallationId } from '../../src/db/installation.js';
import { migrateMeta, openMetaStore } from '../../src/db/meta.js';
import { ExecutionChannel } from '../../src/execute/channel.js';
import { ClusterPools } from '../../src/db/pools.js';
import { FakeSlackApi } from '../../src/dev/index.js';
import { silentLogger, createLogger } from '../../src/kernel/logger.js';
import { countingSlackFetch, Metrics } from '../../src/metrics.js';
import type { TicketJobKind } from '../../src/queue/job-kind.js';
import { JobQueue } from '../../src/queue/queues.js';
import { RunStore } from '../../src/queue/run-store.js';
import { startRunner } from '../../src/wiring/runner.js';
import { StepJournal } from '../../src/queue/step-journal.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { Notifier } from '../../src/slack/notifier.js';
import { createTicketAnnouncer, type TicketAnnouncer } from '../../src/slack/ticket-announcer.js';
import { createDbaDirectory } from '../../src/tickets/dba-directory.js';
import type { Clock } from '../../src/tickets/service.js';
import type { TicketState } from '../../src/tickets/state-machine.js';
import { realKinds } from './kinds.js';
import { TicketStore } from '../../src/tickets/store.js';
import { BOT_ACTOR, type KindAndPayload, type Ticket } from '../../src/tickets/ticket.js';
import { approvalParts } from './approvals.js';
import { APPROVAL_CHANNEL, DBA, DEV, dropDatabase } from './harness.js';
import { flushInstallationKeys } from './redis-keys.js';
import { testKinds } from './runner-kinds.js';

/** Short BullMQ timings so a killed worker's job is taken over within seconds, not minutes. */
export const FAST_RUNNER = `
runner:
  lock_seconds: 2
  stalled_check_seconds: 1
  heartbeat_seconds: 0.5
  progress_edit_seconds: 0.5
  retry_backoff_seconds: 0.05
  shutdown_grace_seconds: 2
  reconcile_seconds: 3600
`;

/** A config with the local MariaDB as cluster `test` (overridable) and the fast runner timings. */
export function runnerConfigYaml(options: { queue: string; cluster?: string; extra?: string }): string {
  return `
slack:
  dba_users: [${DBA}]
  approval_channel: ${APPROVAL_CHANNEL}
  alert_channel: C0DBALERTS
clusters:
  test:
    env: test
    primary: { host: 127.0.0.1, port: 3306 }
    user: root
${options.cluster ?? ''}
policy:
  approvals: { test: 0, prod: 1 }
${FAST_RUNNER.replace('runner:', `runner:\n  queue: ${options.queue}`)}
${options.extra ?? ''}`;
}

/** A clock tests can set; it runs with real time from where it was set. */
export class TestClock implements Clock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  set(at: Date): void {
    this.offset = at.getTime() - Date.now();
  }
}

export interface RunnerFixture {
  config: DbopsConfig;
  configYaml: string;
  metaUrl: string;
  /** The meta database's name (a protected schema on cluster `test`, which shares its server). */
  metaDatabase: string;
  meta: Pool;
  /** The meta database's installation id. */
  installation: InstallationId;
  store: TicketStore;
  runs: RunStore;
  journal: StepJournal;
  api: FakeSlackApi;
  announcer: TicketAnnouncer;
  queue: JobQueue;
  redis: Redis;
  clock: TestClock;
  metrics: Metrics;
  /** A schema on the local MariaDB for the test kinds to write into, with `part_runs` and `log`. */
  target: string;
  /** DBOPS_STATE_DIR of this fixture's workers (its own, not ~/.dbops); removed by `close()`. */
  stateDir: string;
  /** Start an in-process worker (several may run side by side). */
  startWorker(options?: {
    name?: string;
    jobs?: readonly TicketJobKind[];
  }): Promise<{ host: WorkerHost; stop(): Promise<void> }>;
  /** A ticket as the bot leaves it: approved, its message and thread posted, handed to the queue. */
  ticket(
    request: KindAndPayload,
    options?: {
      runAt?: Date;
      delayMs?: number;
      cluster?: string;
      queue?: boolean;
      /** Approve it as a hand-written row would: without dbops' seal (the runner must refuse it). */
      unsealed?: boolean;
    },
  ): Promise<Ticket>;
  waitFor(ticketId: number, states: readonly TicketState[], timeoutMs?: number): Promise<Ticket>;
  count(sql: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

/** Meta DB, queue (own name), Slack fake and a target schema for one test file; `close()` removes them all. */
export async function openRunnerFixture(options: { cluster?: string; extra?: string } = {}): Promise<RunnerFixture> {
  const suffix = randomBytes(4).toString('hex');
  const metaDatabase = `dbops_rn_${suffix}`;
  const target = `dbops_rt_${suffix}`;
  const queueName = `dbops-rn-${suffix}`;
  const metaUrl = `mysql://root@127.0.0.1:3306/${metaDatabase}`;
  const configYaml = runnerConfigYaml({ queue: queueName, ...options });
  const config = parseConfig(configYaml);
  const meta = await openMetaStore(metaUrl);
  await migrateMeta(meta);
  const installation = await ensureInstallation(meta);
  const root = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  await root.query(`CREATE DATABASE \`${target}\``);
  await root.query(
    `CREATE TABLE \`${target}\`.part_runs (id INT AUTO_INCREMENT PRIMARY KEY, part VARCHAR(64) NOT NULL)`,
  );
  await root.query(`CREATE TABLE \`${target}\`.log (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(64) NOT NULL)`);
  await root.end();
  const api = new FakeSlackApi({
    users: [
      { id: DBA, name: 'dba.one' },
      { id: DEV, name: 'dev.one' },
    ],
  });
  await api.start(0);
  const logger = process.env.DBOPS_TEST_LOGS ? createLogger('debug') : silentLogger();
  const metrics = new Metrics();
  const slack = new Notifier(
    new WebClient('xoxb-test', { slackApiUrl: api.url, logger, fetch: countingSlackFetch(metrics) }),
    logger,
  );
  const store = new TicketStore(meta, realKinds);
  const clock = new TestClock();
  const dbas = createDbaDirectory({ users: config.slack.dba_users, resolveGroup: async () => [], clock, logger });
  const announcer = createTicketAnnouncer({ slack, store, dbas, config, logger });
  const { sealer, gate } = approvalParts({ installation, store, config, dbas, meta });
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const queue = new JobQueue({ connection: redis, installation, queueName, prefix: config.runner.redis_prefix });
  const workers: Array<{ stop(): Promise<void> }> = [];
  const stateDir = mkdtempSync(join(tmpdir(), 'dbops-state-'));

  const fixture: RunnerFixture = {
    config,
    configYaml,
    metaUrl,
    metaDatabase,
    meta,
    installation,
    store,
    runs: new RunStore(meta),
    journal: new StepJournal(meta),
    api,
    announcer,
    queue,
    redis,
    clock,
    metrics,
    target,
    stateDir,
    async startWorker(o = {}) {
      const runDir = await openRuntimeDir(join(stateDir, 'run'));
      // Each worker has its own pools, as a worker process would.
      const clusters = new ClusterPools(config.clusters, { secrets: {} });
      const runner = await startRunner({
        installation,
        runDir,
        config,
        logger,
        meta,
        redis,
        slack,
        store,
        announcer,
        queue,
        clock,
        metrics,
        jobs: o.jobs ?? testKinds,
        clusters,
        services: {
          execution: { settings: config.execution, channel: new ExecutionChannel(redis, queue.keySpace) },
        },
        worker: o.name ?? `test-${workers.length + 1}`,
        gate,
      });
      const stop = async () => {
        await runner.stop();
        await clusters.closeAll();
        await runDir.close();
      };
      workers.push({ stop });
      return { host: runner.host, stop };
    },
    async ticket(request, o = {}) {
      const created = await store.create(
        {
          ...request,
          requester: DEV,
          cluster: o.cluster ?? 'test',
          schema: target,
          environment: 'test',
          review: null,
          estimatedRows: null,
          runAt: o.runAt ?? null,
          approvalsNeeded: 0,
        },
        clock.now(),
      );
      assert.ok(created.created);
      const at = clock.now();
      const approved = await store.transition({
        ticketId: created.ticket.id,
        expect: { state: 'submitted', version: 1 },
        action: 'auto_approve',
        actor: BOT_ACTOR,
        at,
        ...(o.unsealed
          ? {}
          : {
              seal: sealer.seal(created.ticket, { signer: BOT_ACTOR, decision: 'auto_approve', exception: false, at }),
            }),
      });
      assert.ok(approved.ok);
      const published = await announcer.publish(created.ticket.id);
      assert.ok(published.ok);
      if (o.queue === false) return published.ticket;
      await queue.enqueueTicket(published.ticket, 1, { delayMs: o.delayMs ?? 0 });
      const scheduled = await store.transition({
        ticketId: created.ticket.id,
        expect: { state: 'approved', version: published.ticket.version },
        action: 'enqueue',
        actor: BOT_ACTOR,
        at: clock.now(),
      });
      return scheduled.ok ? scheduled.ticket : published.ticket;
    },
    async waitFor(ticketId, states, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const ticket = await store.get(ticketId);
        if (ticket && states.includes(ticket.state)) return ticket;
        if (Date.now() > deadline)
          assert.fail(`T-${ticketId} is ${ticket?.state}, not ${states.join(' or ')}, after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async count(sql, params = []) {
      const [rows] = await meta.query<mysql.RowDataPacket[]>(sql, params);
      return Number(Object.values(rows[0] ?? {})[0] ?? 0);
    },
    async close() {
      for (const w of workers) await w.stop().catch(() => undefined);
      await flushInstallationKeys(redis, queue.keySpace.prefix); // also the monitor queue of spawned worker processes
      await queue.close();
      await redis.quit();
      await api.close();
      await meta.end();
      await dropDatabase(metaDatabase);
      await dropDatabase(target);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
  return fixture;
}
