import { redisCatalogVersions } from './catalog-versions.js';
import { commands } from '../../commands/index.js';
import { loadApiTokens } from '../api/auth.js';
import { apiRoutes } from '../api/routes.js';
import { healthRoute } from '../health.js';
import { createDiagnostics } from '../diagnose/service.js';
import { metricsRoute } from '../http-routes.js';
import { createSwitchoverPlanner } from '../ha/planner.js';
import { createInventory } from '../inventory/service.js';
import type { Logger } from '../kernel/logger.js';
import { createMigratePlanner } from '../migrate/planner.js';
import type { AlertService } from '../monitor/alert-service.js';
import { createReviewer } from '../review/service.js';
import { createSlackApp } from '../slack/app.js';
import type { CommandDeps } from '../slack/command.js';
import type { TicketAnnouncer } from '../slack/ticket-announcer.js';
import { migrateApprovals } from '../tickets/policy.js';
import type { TicketService } from '../tickets/service.js';
import { ticketServiceOf } from './ticket-service.js';
import type { Closers } from '../closers.js';
import { startExecutionBot } from './execution.js';
import { createGrantBot } from './grants.js';
import { createBackupBot } from './backups.js';
import { startAlerts } from './monitoring.js';
import type { Runtime } from './runtime-options.js';
import type { Services } from './services.js';
import { createRequestChat } from '../slack/request-chat.js';
import { toError } from '../kernel/errors.js';
import { ApprovalTimers } from '../queue/approval-timers.js';
import { installationPrefix } from '../queue/queues.js';

/** What the bot part of a process started. */
export interface StartedBot {
  /** The port its HTTP endpoint listens on (Slack events, /healthz, /metrics). */
  port: number;
  /** Reminders, escalations and expiry of tickets waiting for a DBA. */
  approvalTimers: ApprovalTimers;
}

/**
 * The bot: the review, migrate checks, inventory, ticket service, rollbacks and the online ALTER's
 * controls, served by the Bolt app (HTTP or Socket Mode). Approved tickets the last run did not
 * hand to the queue are handed over once the app listens.
 */
export async function startBotPart(s: Services, alerts: AlertService, closers: Closers): Promise<StartedBot> {
  const { config, logger, clusters: pools, secrets, meta } = s;
  const reviewer = createReviewer(config, {
    pools,
    secrets,
    logger: logger.child({ name: 'review' }),
    catalogVersions: redisCatalogVersions(s.redis, s.queue.keySpace),
  });
  const migrations = createMigratePlanner(config, {
    pools,
    secrets,
    approvals: (source, destination) => migrateApprovals(source, destination, config.policy),
  });
  const inventory = createInventory({ config, secrets, meta, pools });
  const tickets = ticketServiceOf(s, inventory.metaServer);
  const execution = await startExecutionBot(s, closers);
  const deps: CommandDeps = {
    config,
    slack: s.slack.notifier,
    reviewer,
    logger,
    clock: s.clock,
    tickets,
    ticketStore: s.tickets,
    dbas: s.dbas,
    announcer: s.announcer,
    chat: createRequestChat(s.slack.notifier, logger),
    commands: s.options.commands ?? commands,
    migrations,
    alerts,
    inventory,
    execution,
    diagnostics: createDiagnostics({
      pools,
      meta,
      config,
      review: (sql, target) => reviewer.review({ sql, target }),
      clock: s.clock,
      logger: logger.child({ name: 'diagnose' }),
    }),
    grants: createGrantBot(s, s.grants),
    ha: createSwitchoverPlanner({ config, secrets }),
    backups: createBackupBot(s),
  };
  const settings = s.slack.settings;
  const api = loadApiTokens(config, secrets, logger);
  const app = createSlackApp(
    settings,
    deps,
    [healthRoute({ meta, redis: s.redis }), metricsRoute(s.metrics)],
    logger,
    api.enabled
      ? apiRoutes({ tokens: api, commands: deps, store: s.tickets, logger: logger.child({ name: 'api' }) })
      : [],
  );
  const port = await app.start();
  closers.push(() => app.stop());
  logger.info('dbops is listening', { port, mode: settings.appToken ? 'socket' : 'http', slackApi: settings.apiUrl });
  await resumeHandOffs(tickets, s.announcer, logger);
  const approvalTimers = await startApprovalTimers(s, closers);
  return { port, approvalTimers };
}

/** The approval timers' sweep, on its own queue beside the ticket queue (`<queue>.timers`). */
async function startApprovalTimers(s: Services, closers: Closers): Promise<ApprovalTimers> {
  const timers = await ApprovalTimers.start({
    connection: s.redis,
    queueName: `${s.options.queueName ?? s.config.runner.queue}.timers`,
    prefix: installationPrefix(s.config.runner.redis_prefix, s.installation),
    everySeconds: s.config.policy.timers_sweep_seconds,
    schedule: s.options.approvalTimerSchedule,
    deps: {
      store: s.tickets,
      config: s.config,
      announcer: s.announcer,
      now: () => s.clock.now(),
      logger: s.logger.child({ name: 'approval-timers' }),
    },
    logger: s.logger,
  });
  closers.push(() => timers.close());
  return timers;
}

/**
 * DBOPS_ROLE=bot: the bot alone, with the alert service (/dbops alerts, Acknowledge and Silence);
 * workers run elsewhere.
 */
export async function startBot(s: Services, closers: Closers): Promise<Omit<Runtime, 'stop'>> {
  const monitoring = await startAlerts(s, false, closers);
  const { port, approvalTimers } = await startBotPart(s, monitoring.alerts, closers);
  return {
    port,
    installation: s.installation,
    signingSecret: s.slack.settings.signingSecret,
    monitoring,
    approvalTimers,
  };
}

/**
 * Queue approved tickets the last run did not hand over (queue down, or a stop in between), and say
 * so in their threads.
 */
async function resumeHandOffs(tickets: TicketService, announcer: TicketAnnouncer, logger: Logger): Promise<void> {
  try {
    const resumed = await tickets.resumeHandOffs();
    for (const { ticket, handOff } of resumed) {
      if (!handOff.queued) continue;
      await announcer.resumed(ticket, handOff);
      logger.info('approved ticket handed to the queue at start-up', { ticket: ticket.ref, jobId: handOff.jobId });
    }
    if (resumed.length > 0) logger.info('resumed hand-overs', { tickets: resumed.length });
  } catch (err) {
    logger.error('could not resume hand-overs of approved tickets', toError(err));
  }
}
