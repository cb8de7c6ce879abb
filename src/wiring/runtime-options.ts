import type { ApprovalTimers } from '../queue/approval-timers.js';
import type { InstallationId } from '../db/installation.js';
import type { Monitoring } from './monitoring-handle.js';
import type { TicketJobKind } from '../queue/job-kind.js';
import type { WorkerHost } from '../queue/worker-host.js';
import type { Command } from '../slack/command.js';
import type { TicketKind } from '../tickets/kind.js';
import type { Clock } from '../tickets/service.js';

/** A started dbops process (any role), as main and the tests see it. */
export interface Runtime {
  /** Port the HTTP endpoint listens on (Slack events, /healthz). */
  port: number;
  /** This installation's id, read from the meta database (src/db/installation.ts). */
  installation: InstallationId;
  /** Set when running without Slack tokens (the dev role): the URL of the local Slack API dbops talks to. */
  localSlackUrl?: string;
  /** Set with `localSlackUrl` where the role has the bot: the local workspace page (README, "Try it without Slack"). */
  workspaceUrl?: string;
  signingSecret?: string;
  /** The job workers of this process (DBOPS_ROLE=worker or all). */
  runner?: WorkerHost;
  /** Alerts (every role) and, where this process runs workers, the monitor poller and worker. */
  monitoring?: Monitoring;
  /** Where the role has the bot: reminders, escalations and expiry of tickets waiting for a DBA. */
  approvalTimers?: ApprovalTimers;
  stop(): Promise<void>;
}

/** What embedders and tests may choose; production uses the defaults. */
export interface RuntimeOptions {
  /** BullMQ queue for ticket jobs; default `dbops-tickets`. Tests give each runtime its own. */
  queueName?: string;
  clock?: Clock;
  /** Start job workers where the role has them (worker, all); false runs the bot alone. Default true. */
  workers?: boolean;
  /** The ticket kinds (jobs/<kind>.ts) the process knows; default jobs/index.ts. Tests add their own. */
  kinds?: readonly TicketKind[];
  /** The /dbops verbs (commands/<verb>.ts); default commands/index.ts. Tests add their own. */
  commands?: readonly Command[];
  /** The jobs workers run; default the kinds' own. Tests replace some by a job of the same name. */
  jobs?: readonly TicketJobKind[];
  /** This worker's name in logs and threads; default `host:pid`. */
  workerName?: string;
  /** Run the monitor worker where the role has workers (worker, all); default: as `workers`. */
  monitors?: boolean;
  /** BullMQ queue for monitor polls; default `dbops-monitors`. Tests give each runtime its own. */
  monitorQueueName?: string;
  /** Create the monitors' job schedulers (default true); false: polls run only when asked (tests drive them). */
  monitorSchedules?: boolean;
  /** Create the approval timers' job scheduler (default true); false: sweeps run only when asked (tests drive them). */
  approvalTimerSchedule?: boolean;
  /** Create the backups' job schedulers and catch up a missed run at start (default true); tests drive runs themselves. */
  backupSchedules?: boolean;
  /** Where cluster passwords (`password_env`) and dbops' key (`secrets.key_env`) are read. Default process.env. */
  secrets?: NodeJS.ProcessEnv;
  /** Runbook timings (tests shorten them): the kill grace after SIGTERM and the output flush interval, in ms. */
  runbooks?: { killGraceMs?: number; flushMs?: number };
  /**
   * Aborting it stops a start still in progress (SIGTERM while Slack, the meta database or Redis
   * does not answer): what has started is closed and startRuntime rejects with StartAborted.
   */
  signal?: AbortSignal;
}
