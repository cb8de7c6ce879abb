import { randomBytes } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import type { Pool } from 'mysql2/promise';
import { parseConfig } from '../../../src/config/load.js';
import type { DbopsConfig } from '../../../src/config/schema.js';
import { ensureInstallation, type InstallationId } from '../../../src/db/installation.js';
import { migrateMeta, openMetaStore } from '../../../src/db/meta.js';
import { FakeSlackApi, type StoredMessage } from '../../../src/dev/fake-slack-api.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { createAlertService, type AlertService } from '../../../src/monitor/alert-service.js';
import { createAlertAnnouncer } from '../../../src/slack/alert-announcer.js';
import { MonitorStore } from '../../../src/monitor/monitor-store.js';
import { createPoller, type Poller } from '../../../src/monitor/poller.js';
import { ClusterPools } from '../../../src/db/pools.js';
import { NearMissTracker } from '../../../src/monitor/near-misses.js';
import { weeklyDigestOf } from '../../../src/wiring/monitoring.js';
import { Notifier } from '../../../src/slack/notifier.js';
import { dropDatabase } from '../../support/harness.js';

export const ALERTS = 'C0DBALERTS';

/** A clock that runs with real time plus an offset the test moves forward. */
export class TestClock {
  offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface MonitorFixture {
  api: FakeSlackApi;
  meta: Pool;
  installation: InstallationId;
  config: DbopsConfig;
  alerts: AlertService;
  poller: Poller;
  /** The weekly digest job's work (gather and post in the alert channel). */
  digest: { send(): Promise<string> };
  clock: TestClock;
  /** Top-level messages in the alert channel (one per alert group). */
  posts(): StoredMessage[];
  /** Replies in the thread of a top-level alert message. */
  replies(post: StoredMessage): StoredMessage[];
  close(): Promise<void>;
}

/** The alert service and poller on a fresh meta database, posting to a local Slack API. */
export async function monitorFixture(clustersAndMonitors: string): Promise<MonitorFixture> {
  const api = new FakeSlackApi();
  await api.start(0);
  const database = `dbops_mon_${randomBytes(4).toString('hex')}`;
  const meta = await openMetaStore(`mysql://root@127.0.0.1:3306/${database}`);
  await migrateMeta(meta);
  const installation = await ensureInstallation(meta);
  const config = parseConfig(
    `slack: { dba_users: [U0DBA00001], approval_channel: C0APPROVALS, alert_channel: ${ALERTS} }\n${clustersAndMonitors}`,
  );
  const logger = silentLogger();
  const clock = new TestClock();
  const slack = new Notifier(
    new WebClient('xoxb-test', { slackApiUrl: api.url, logger, retryConfig: { retries: 0 } }),
    logger,
  );
  const alerts = createAlertService({
    meta,
    installation,
    sink: createAlertAnnouncer(slack, config),
    config,
    logger,
    clock,
  });
  const pools = new ClusterPools(config.clusters, { secrets: {} });
  const poller = createPoller({
    config,
    pools,
    store: new MonitorStore(meta),
    nearMisses: new NearMissTracker(meta),
    alerts,
    secrets: {},
    clock,
    logger,
  });
  // The digest as the monitor worker's wiring makes it (backups of the week included).
  const digest = weeklyDigestOf({ config, pools, meta, logger, clock, slack });
  return {
    api,
    meta,
    installation,
    config,
    alerts,
    poller,
    digest,
    clock,
    posts: () => api.messages(ALERTS).filter((m) => !m.ephemeral && (!m.thread_ts || m.thread_ts === m.ts)),
    replies: (post) => api.replies(ALERTS, post.ts),
    close: async () => {
      await pools.closeAll();
      await meta.end();
      await api.close();
      await dropDatabase(database);
    },
  };
}
