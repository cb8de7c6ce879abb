import { z } from 'zod';
import { lookupTable } from '../own.js';
import { Environment } from './environment.js';
import { RunbooksSection } from './runbook-schema.js';
import { parseSpan } from '../text/duration.js';

export { ENVIRONMENTS, Environment } from './environment.js';

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
export const PeakWindow = z.string().refine((w) => {
  const [from, to] = w.split('-');
  return from !== undefined && to !== undefined && hhmm.test(from) && hhmm.test(to);
}, 'expected a window like "09:00-12:00"');

export const Endpoint = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(3306),
  /** Data centre or zone of the instance: a switchover prefers a candidate on the primary's site. */
  site: z.string().min(1).max(64).optional(),
});
export type Endpoint = z.infer<typeof Endpoint>;

const envVarName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name such as DBOPS_PROD_PASSWORD');

/** High availability of a cluster: `/dbops switchover` and failure detection (src/ha/). */
export const HaSettings = z.strictObject({
  /** Once the primary is declared down, fail over without a DBA's click (the alert says so; every step is still posted). */
  auto_failover: z.boolean().default(false),
  /** After a failover, the next automatic one waits this long (minutes): a DBA decides within it (no failover ping-pong). */
  auto_failover_pause_minutes: z.number().min(0).default(60),
  /**
   * Before an automatic failover, how long (seconds) dbops keeps asking the replicas whether they
   * lost the primary too (their IO threads): a replica notices a silent primary only after its
   * `slave_net_timeout`. Still connected by then: no automatic failover (split brain), the DBA decides.
   */
  replica_check_seconds: z.number().min(0).max(600).default(30),
  /** Pre-check: every replica's lag must be at most this (seconds). */
  max_lag_seconds: z.number().min(0).default(10),
  /** Pre-check: no transaction on the primary may be older than this (seconds). */
  max_transaction_seconds: z.number().min(0).default(30),
  /** How long the old primary's in-flight writes and the candidate's catch-up may take (seconds). */
  catch_up_timeout_seconds: z.number().min(1).max(600).default(20),
  /** The account the old primary replicates from the new one with (the others keep their own). */
  replication_user: z.string().min(1).max(80).optional(),
  replication_password_env: envVarName.optional(),
  /** Failure detection: how many observers (workers) must fail to reach the primary within the window. */
  down_observers: z.number().int().min(1).default(2),
  down_window_seconds: z.number().min(1).default(30),
  /** How often each worker tries to reach the primary (seconds). */
  probe_seconds: z.number().min(1).default(5),
  /** Executables run before and after a switchover (argv only, like runbooks): move a VIP, update a proxy. */
  hooks: z
    .strictObject({
      before: z.array(z.string().min(1)).min(1).optional(),
      after: z.array(z.string().min(1)).min(1).optional(),
    })
    .default({}),
  /** Seconds a hook may run. */
  hook_timeout_seconds: z.number().min(1).max(600).default(30),
});
export type HaSettings = z.infer<typeof HaSettings>;
/** Five cron fields (minute hour day-of-month month day-of-week), as BullMQ's job schedulers read them. */
const cronText = z
  .string()
  .regex(/^\s*(\S+\s+){4}\S+\s*$/, 'expected a cron schedule of five fields, e.g. "0 2 * * *" (02:00 every day)');

/** A cluster's `backup:`: when (cron, in the cluster's time zone), how many good sets to keep, where to prove them. */
export const ClusterBackup = z.strictObject({
  schedule: cronText.optional(),
  /** Good sets kept; older ones are removed after a new one succeeds. */
  keep: z.number().int().min(1).max(1000).default(7),
  /** A cluster whose primary may host a throwaway schema: each new set is restored there and compared with its manifest. */
  verify_on: z.string().optional(),
  /** Schemas to back up; default every schema but the server's system schemas and dbops' own. */
  schemas: z.array(z.string().min(1)).min(1).optional(),
});
export type ClusterBackup = z.infer<typeof ClusterBackup>;

export const Cluster = z.strictObject({
  env: Environment,
  primary: Endpoint,
  replicas: z.array(Endpoint).default([]),
  user: z.string().min(1),
  /** Name of the env variable holding the password; secrets never live in the YAML. */
  password_env: envVarName.optional(),
  timezone: z.string().default('UTC'),
  peak_hours: z.array(PeakWindow).default([]),
  /** Jobs that may run on this cluster at once. */
  max_concurrent_jobs: z.number().int().min(1).default(1),
  /** Delay a replica is configured with (seconds); lag monitors subtract it. */
  replica_delay_seconds: z.number().int().min(0).default(0),
  /** Disk the primary's data lives on (bytes): `/dbops space` forecasts the days until it is full. */
  disk_bytes: z.number().int().positive().optional(),
  /** Switchover and failover settings (src/ha/); `haSettings(cluster)` fills in the defaults. */
  ha: HaSettings.optional(),
  /** Scheduled backups of this cluster (src/backup/): written under `backups.dir`. */
  backup: ClusterBackup.optional(),
});
export type Cluster = z.infer<typeof Cluster>;

const HA_DEFAULTS = HaSettings.parse({});
/** A cluster's `ha:` settings, defaults where it has none. */
export function haSettings(cluster: Pick<Cluster, 'ha'>): HaSettings {
  return cluster.ha ?? HA_DEFAULTS;
}

const slackId = (prefixes: string) =>
  z
    .string()
    .regex(
      new RegExp(`^[${prefixes}][A-Z0-9]+$`),
      `expected a Slack id starting with ${prefixes.split('').join(' or ')}`,
    );

/** A MySQL user name dbops creates or grants to (MySQL's 32-character limit, which MariaDB's 80 includes). */
export const MysqlUserName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'expected a MySQL user name: 1 to 32 letters, digits, _, . or -');

export const SlackSection = z.strictObject({
  dba_users: z.array(slackId('UW')).default([]),
  dba_usergroup: slackId('S').optional(),
  approval_channel: slackId('CG'),
  alert_channel: slackId('CG'),
  /** Where a ticket still waiting after its reminder is escalated (policy.remind_after); unset: no escalation. */
  escalation_channel: slackId('CG').optional(),
  /** Slack user id → MySQL user name of their personal account (`/dbops grant` without `to`); unmapped users get their Slack name. */
  accounts: z
    .record(slackId('UW'), MysqlUserName)
    .transform((accounts) => lookupTable(Object.entries(accounts)))
    .optional(),
});

/** A duration written with its unit (`30m`, `7d`), in seconds once parsed. */
const spanText = z.string().transform((text, ctx) => {
  const seconds = parseSpan(text);
  if (seconds === null) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 30m, 4h or 7d' });
    return z.NEVER;
  }
  return seconds;
});

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When DBAs are at work, in each cluster's own zone: reminders count only this time. */
export const BusinessHours = z.strictObject({
  days: z.array(z.enum(WEEKDAYS)).min(1).default(['monday', 'tuesday', 'wednesday', 'thursday', 'friday']),
  hours: PeakWindow.refine((w) => {
    const [from = '', to = ''] = w.split('-');
    return from < to;
  }, 'the window must end after it starts on the same day').default('09:00-18:00'),
});
export type BusinessHours = z.infer<typeof BusinessHours>;

export const Policy = z.strictObject({
  approvals: z
    .partialRecord(Environment, z.number().int().min(0).max(5))
    .default({ prod: 1, staging: 1, test: 0, dev: 0 }),
  migrate_into: z.array(Environment).default(['test', 'dev', 'staging']),
  /**
   * A ticket waiting for a DBA this long (counted in business hours, in its cluster's zone) is
   * pinged once in its thread; as long again, it goes to `slack.escalation_channel` when set.
   * Seconds once parsed.
   */
  remind_after: spanText.default(30 * 60),
  /** A ticket waiting for a DBA this long (wall-clock time) expires. Seconds once parsed. */
  expire_after: spanText.default(7 * 86_400),
  business_hours: BusinessHours.default(BusinessHours.parse({})),
  /** How often dbops looks for tickets to remind, escalate or expire (a BullMQ job scheduler). */
  timers_sweep_seconds: z.number().min(0.5).max(3600).default(60),
});
export type Policy = z.infer<typeof Policy>;

const RuleLevel = z.enum(['error', 'warning', 'notice', 'off']);
/** A rule setting: a bare level, or a level plus the rule's parameters. */
export const RuleSetting = z.union([RuleLevel, z.looseObject({ level: RuleLevel.optional() })]);
export type RuleSetting = z.infer<typeof RuleSetting>;

export const ReviewSection = z.strictObject({
  /** Overrides applied on every environment. */
  rules: z.record(z.string(), RuleSetting).default({}),
  /** Overrides per environment, applied after `rules` (e.g. test relaxed). */
  profiles: z.partialRecord(Environment, z.record(z.string(), RuleSetting)).default({}),
  /** Scratch server for the shadow check: `cluster` name whose primary may host throwaway schemas. */
  scratch_cluster: z.string().optional(),
  /** Sharded tables: a logical name and its physical tables, e.g. `orders: "orders_{0..511}"`. */
  shards: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
  /**
   * How long a schema's catalog (tables, columns, indexes) and the EXPLAIN answers of statements on
   * it are reused between reviews; a ticket that ran on the cluster ends them at once. 0: read
   * information_schema and EXPLAIN on every review.
   */
  catalog_cache_seconds: z.number().min(0).max(3600).default(60),
});

/** How approved changes run (jobs/execute-sql, jobs/rollback). */
export const ExecutionSection = z.strictObject({
  /** Session lock_wait_timeout: how long DDL and RENAME wait for a metadata lock before giving up. */
  lock_wait_timeout_seconds: z.number().int().min(1).max(31_536_000).default(10),
  /** Session innodb_lock_wait_timeout: how long a row change waits for another transaction's row lock. */
  innodb_lock_wait_timeout_seconds: z.number().int().min(1).max(1_073_741_824).default(10),
  /** Statement time limit (MariaDB max_statement_time for every statement; MySQL max_execution_time, SELECTs only); 0 = none. */
  statement_timeout_seconds: z.number().min(0).default(0),
  /** How far above the ticket's approved row estimate a change may go (0.1 = 10 % more rows) before it is rolled back. */
  estimate_tolerance: z.number().min(0).default(0.1),
  /** Schema on each cluster that holds the before-images and dbops' execution log (created when missing). */
  backup_schema: z
    .string()
    .regex(/^[A-Za-z0-9_$]{1,64}$/, 'expected a schema name of letters, digits, _ or $')
    .default('dbops_backup'),
  /** Tables at least this large (data + indexes, bytes) are altered with pt-online-schema-change. */
  online_alter_min_bytes: z
    .number()
    .int()
    .min(0)
    .default(1024 ** 3),
  /** pt-online-schema-change settings. */
  pt_osc: z
    .strictObject({
      /** The tool's path or name on PATH. */
      path: z.string().min(1).default('pt-online-schema-change'),
      /** Seconds each copy chunk should take (the tool sizes chunks to it). */
      chunk_time: z.number().positive().default(0.5),
      /** Pause the copy while a status variable is above this (the tool's --max-load). */
      max_load: z.string().min(1).default('Threads_running=25'),
      /** Abort when a status variable is above this (the tool's --critical-load). */
      critical_load: z.string().min(1).default('Threads_running=50'),
      /** Keep the original table (renamed `_<table>_old`) after the cut-over instead of dropping it. */
      keep_old_table: z.boolean().default(false),
      /** More of the tool's options (e.g. `--max-lag`, `--check-slave-lag`); the ones dbops sets itself are refused. */
      extra_args: z.array(z.string()).default([]),
    })
    .default({
      path: 'pt-online-schema-change',
      chunk_time: 0.5,
      max_load: 'Threads_running=25',
      critical_load: 'Threads_running=50',
      keep_old_table: false,
      extra_args: [],
    }),
});
export type ExecutionSection = z.infer<typeof ExecutionSection>;

/** Data migrations (`/dbops migrate`, jobs/migrate.ts): how rows are copied. */
export const MigrateSection = z.strictObject({
  /** Copy streams at once (destination connections), over chunks of one table or of several; `auto`: one per core of the destination (at most 8). */
  parallel: z.union([z.literal('auto'), z.number().int().min(1).max(16)]).default(2),
  /** Rows per chunk; each chunk is one transaction, verified by COUNT and checksum before it commits. */
  chunk_rows: z.number().int().min(1).default(50_000),
  /** Largest chunk in MB: tables with wide rows get fewer rows per chunk (and the copy's memory stays flat). */
  chunk_mb: z.number().min(1).max(1024).default(16),
  /** `auto`: LOAD DATA LOCAL where the destination allows it (local_infile=ON; measured faster), else multi-row INSERT. */
  method: z.enum(['auto', 'load-data', 'insert']).default('auto'),
  /** Build secondary keys once the rows are in (InnoDB sorts them: faster) instead of row by row. */
  defer_keys: z.boolean().default(true),
  /**
   * Pause the copy between chunks while the source (the server it reads: the cluster's replica when
   * it has one) is over a limit; the thread says so, and when it goes on. Unset = not watched.
   */
  throttle: z
    .strictObject({
      /** Seconds the source, a replica, may be behind its primary (needs REPLICATION CLIENT / SLAVE MONITOR). */
      max_replica_lag_seconds: z.number().min(0).nullable().default(null),
      /** `Threads_running` on the source above which the copy waits. */
      max_threads_running: z.number().int().min(0).nullable().default(null),
      /** How often the source is looked at (and, while paused, looked at again). */
      check_seconds: z.number().min(0.05).max(60).default(1),
    })
    .default({ max_replica_lag_seconds: null, max_threads_running: null, check_seconds: 1 }),
});
export type MigrateSection = z.infer<typeof MigrateSection>;

/** The job runner (src/queue/): how workers take, renew, hand back and report ticket jobs. */
export const RunnerSection = z.strictObject({
  /** BullMQ queue of ticket jobs; each cluster's work goes to `<queue>.run.<cluster>`. Installations sharing a Redis keep apart by their installation id (see `redis_prefix`). */
  queue: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, . _ or -')
    .default('dbops-tickets'),
  /** Redis key prefix (BullMQ's default); dbops keeps its queues and keys under `<redis_prefix>:<installation id>`. */
  redis_prefix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, . _ or -')
    .default('bull'),
  /** Ticket jobs one worker process starts, plans and finishes at once (the work itself is bounded by each cluster's max_concurrent_jobs). */
  concurrency: z.number().int().min(1).max(256).default(8),
  /** A worker that stops renewing a job's lock for this long loses it to another worker (BullMQ lockDuration). */
  lock_seconds: z.number().min(0.5).default(30),
  /** How often workers look for jobs whose worker stopped (BullMQ stalledInterval). */
  stalled_check_seconds: z.number().min(0.5).default(30),
  /** Take-overs of one job by another worker before it is failed (BullMQ maxStalledCount). */
  max_takeovers: z.number().int().min(0).max(100).default(2),
  /** On SIGTERM, running jobs get this long to finish; then they are handed back to the queue for other workers. */
  shutdown_grace_seconds: z.number().min(0).default(30),
  /** How often a running job writes its heartbeat and checks for a cancel (besides the pub/sub message). */
  heartbeat_seconds: z.number().min(0.1).default(5),
  /** Tries of an idempotent step after a transient MySQL error (connection lost, deadlock, lock wait timeout, server gone away). */
  transient_retries: z.number().int().min(0).max(50).default(5),
  /** The first wait before such a retry; it doubles each time, up to 30 s. */
  retry_backoff_seconds: z.number().min(0.01).default(1),
  /** Least time between two edits of a ticket's status message in its thread. */
  progress_edit_seconds: z.number().min(0.1).default(2),
  /** How often workers compare the tickets in MySQL with the queue in Redis (they also do at start). */
  reconcile_seconds: z.number().min(1).default(60),
});
export type RunnerSection = z.infer<typeof RunnerSection>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Monitor ids, as used in alert fingerprints and in `monitors.disabled` (one file each in src/monitor/checks/). */
export const MONITOR_CHECKS = [
  'down',
  'replication',
  'replica-lag',
  'threads-running',
  'connections',
  'long-transactions',
  'deadlocks',
  'history-list',
  'schema-size',
  'role',
] as const;
export type MonitorCheckId = (typeof MONITOR_CHECKS)[number];

/** A warning and a critical level for one monitor (a value at or above the level fires it). */
const levels = (warning: number, critical: number) =>
  z
    .strictObject({ warning: z.number().min(0).default(warning), critical: z.number().min(0).default(critical) })
    .refine((l) => l.critical >= l.warning, 'critical must be at least warning')
    .default({ warning, critical });

/** Monitors and alerts (src/monitor/): how often, which thresholds, how alerts fire, repeat and end. */
export const MonitorsSection = z.strictObject({
  enabled: z.boolean().default(true),
  /** Each configured instance is polled this often (a BullMQ job scheduler per instance). */
  interval_seconds: z.number().int().min(1).max(3600).default(30),
  /** A condition must hold this many polls in a row before its alert fires (instance down included). */
  fire_after_polls: z.number().int().min(1).max(100).default(2),
  /** A firing alert resolves after this many clear polls in a row (no flapping on a borderline value). */
  resolve_after_polls: z.number().int().min(1).max(100).default(2),
  /** Firing alerts nobody acknowledged are announced again this often; 0 = never. */
  renotify_minutes: z.number().min(0).default(30),
  /** Polls one worker runs at once. */
  concurrency: z.number().int().min(1).max(256).default(16),
  /** Replica lag minus the cluster's replica_delay_seconds. */
  replica_lag_seconds: levels(30, 300),
  threads_running: levels(50, 100),
  /** Threads_connected as a share of max_connections, in percent. */
  connections_percent: levels(80, 95),
  /** Age of the oldest open InnoDB transaction. */
  long_transaction_seconds: levels(60, 600),
  history_list_length: levels(1_000_000, 5_000_000),
  /** A deadlock alert fires at once and ends after this many quiet minutes (later deadlocks join it). */
  deadlocks: z.strictObject({ quiet_minutes: z.number().min(0).default(10) }).default({ quiet_minutes: 10 }),
  schema_size: z
    .strictObject({
      /** Size limit of every schema (GB, data + indexes); unset = no schema-size monitor unless `limits_gb` names the schema. */
      limit_gb: z.number().positive().optional(),
      /** Per-schema limits, `cluster.schema: GB`. */
      limits_gb: z
        .record(z.string().regex(/^[a-z][a-z0-9_-]*\.[^.\s]+$/, 'expected cluster.schema'), z.number().positive())
        .default({}),
      /** Warn when the growth trend reaches the limit within this many days (critical once over it). */
      forecast_days: z.number().int().min(1).default(30),
      /** Schema sizes are sampled on the primary this often; the trend uses the samples of the last `history_days`. */
      sample_minutes: z.number().int().min(1).default(60),
      history_days: z.number().int().min(1).default(14),
    })
    .default({ limits_gb: {}, forecast_days: 30, sample_minutes: 60, history_days: 14 }),
  /** Monitors switched off everywhere, e.g. [history-list]. */
  disabled: z.array(z.enum(MONITOR_CHECKS)).default([]),
  /** The weekly digest in the alert channel (a job scheduler on the monitor queue). */
  weekly_digest: z
    .strictObject({
      enabled: z.boolean().default(true),
      day: z.enum(WEEKDAYS).default('monday'),
      /** Local time of day, 24-hour `HH:MM`. */
      at: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day such as 09:00')
        .default('09:00'),
      /** IANA time zone of `day` and `at`. */
      timezone: z.string().refine(isTimeZone, 'expected an IANA time zone such as Europe/Berlin or UTC').default('UTC'),
    })
    .default({ enabled: true, day: 'monday', at: '09:00', timezone: 'UTC' }),
});
export type MonitorsSection = z.infer<typeof MonitorsSection>;

/** Secrets dbops holds itself, outside its database (ARCHITECTURE.md, "Config additions"). */
export const SecretsSection = z.strictObject({
  /**
   * The environment variable holding dbops' 32-byte key (base64). Every approval is sealed with it, so
   * a row written into the meta database by anyone else is not an approval. Unset, each host
   * generates its own key in DBOPS_STATE_DIR: hosts that share a meta database must share the key.
   */
  key_env: envVarName.default('DBOPS_SECRET_KEY'),
});
export type SecretsSection = z.infer<typeof SecretsSection>;

const durationText = z.string().transform((text, ctx) => {
  const seconds = parseSpan(text);
  if (seconds === null) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 8h, 7d or 2w' });
    return z.NEVER;
  }
  return seconds;
});

/** Account and privilege requests (`/dbops grant`, src/accounts/). */
export const GrantsSection = z.strictObject({
  /** Host part of personal accounts (the requester's own, when a grant names no `to`). */
  personal_host: z
    .string()
    .regex(/^[A-Za-z0-9_.%:/-]{1,255}$/, "expected a host, an IP or netmask, or a pattern such as '%' or '10.0.%'")
    .default('%'),
  /** Longest grant per environment (seconds once parsed); longer requests are refused. An environment not listed has no limit. */
  max_duration: z
    .partialRecord(Environment, durationText)
    .default({ prod: 7 * 86_400, staging: 30 * 86_400, test: 90 * 86_400, dev: 90 * 86_400 }),
  /** DBA approvals a grant needs per environment; unset: policy.approvals. */
  approvals: z.partialRecord(Environment, z.number().int().min(0).max(5)).optional(),
  /** Drop a personal account once its last grant is revoked and it holds nothing but USAGE. */
  drop_empty_personal_accounts: z.boolean().default(true),
  /** How often workers look for grants whose time is up and owners to remind (expiry is also a delayed job of its own). */
  sweep_seconds: z.number().min(0.5).max(3600).default(60),
});
export type GrantsSection = z.infer<typeof GrantsSection>;

/** Backups (`/dbops backup`, `backups`, `restore`; src/backup/). */
export const BackupsSection = z.strictObject({
  /** Where backup sets are written: a path every worker shares (`<dir>/<installation>/<cluster>/B-<n>`). */
  dir: z.string().min(1).optional(),
  /** `auto`: mydumper when installed (scripts/ensure-mydumper.sh), else a streamed mariadb-dump. */
  tool: z.enum(['auto', 'mydumper', 'mariadb-dump']).default('auto'),
  /** mydumper/myloader threads. */
  threads: z.number().int().min(1).max(32).default(2),
  /** A failed run is tried again this many times… */
  retries: z.number().int().min(0).max(10).default(3),
  /** …all within this long of the first failure (the waits double: 6h over 3 retries = 51 min, 1 h 43 min, 3 h 26 min). */
  retry_within: durationText.default(6 * 3600),
  /** No good set this long after a scheduled run was due: the `backup-overdue` alert fires. */
  grace: durationText.default(8 * 3600),
  /** How often workers look for overdue backups and sets left by a worker that died. */
  sweep_seconds: z.number().min(0.5).max(3600).default(300),
});
export type BackupsSection = z.infer<typeof BackupsSection>;

/**
 * A cluster's name: people type it (`prod.shop`), and it keys lookups. `constructor` (the one name
 * of this shape every JavaScript object already has) is refused, so no lookup can mistake it.
 */
export const ClusterName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, {
    message: 'expected a cluster name of lower-case letters, digits, - or _',
    abort: true,
  })
  .refine(
    (name) => !(name in Object.prototype),
    'this name is reserved (every JavaScript object has a property called so); name the cluster differently',
  );

export const API_SCOPES = ['review', 'request'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** A bearer token of the HTTP API (/api/v1): its value lives in the environment, never in the YAML. */
export const ApiToken = z.strictObject({
  /** Shown in logs and the audit instead of the token. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'expected a name such as ci-pipeline (a-z, 0-9, . _ -)'),
  token_env: envVarName,
  scopes: z.array(z.enum(API_SCOPES)).min(1, 'give at least one scope: review, request'),
  /** `request`: the Slack users it may open tickets for (the first is the default). */
  users: z.array(slackId('UW')).default([]),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const ApiSection = z.strictObject({ tokens: z.array(ApiToken).default([]) }).superRefine((api, ctx) => {
  const seen = new Set<string>();
  for (const [i, token] of api.tokens.entries()) {
    if (seen.has(token.name))
      ctx.addIssue({ code: 'custom', path: ['tokens', i, 'name'], message: `'${token.name}' is named twice` });
    seen.add(token.name);
    if (token.scopes.includes('request') && token.users.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['tokens', i, 'users'],
        message: 'a token with the request scope names the Slack users it opens tickets for (users: [U…])',
      });
  }
});

/**
 * Ticket events a webhook may ask for: `ticket.<state>` on each change of state. A contract with the
 * receivers, written out here (config imports nothing of tickets/); a unit test holds it to
 * tickets/state-machine.ts's TICKET_STATES, so a new state cannot be left out.
 */
export const WEBHOOK_EVENTS = [
  'ticket.submitted',
  'ticket.blocked',
  'ticket.awaiting_approval',
  'ticket.awaiting_exception',
  'ticket.approved',
  'ticket.scheduled',
  'ticket.running',
  'ticket.succeeded',
  'ticket.failed',
  'ticket.cancelled',
  'ticket.rejected',
  'ticket.expired',
] as const;

/** Where ticket events are POSTed, signed with HMAC-SHA256 of a secret read from the environment. */
export const Webhook = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  secret_env: envVarName,
  /** Default: every ticket event. */
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).optional(),
  /** Deliveries tried in all (the first and its retries). */
  attempts: z.number().int().min(1).max(20).default(5),
  /** The wait before the first retry; each next one waits twice as long. */
  backoff_seconds: z.number().min(0.01).max(3600).default(1),
});
export type Webhook = z.infer<typeof Webhook>;

export const DbopsConfig = z
  .strictObject({
    slack: SlackSection,
    /** Without a prototype: `clusters[name]` finds only the clusters of the file (see src/own.ts). */
    clusters: z.record(ClusterName, Cluster).transform((clusters) => lookupTable(Object.entries(clusters))),
    policy: Policy.default(Policy.parse({})),
    review: ReviewSection.default({ rules: {}, profiles: {}, shards: {}, catalog_cache_seconds: 60 }),
    monitors: MonitorsSection.default(MonitorsSection.parse({})),
    runner: RunnerSection.default(RunnerSection.parse({})),
    migrate: MigrateSection.default(MigrateSection.parse({})),
    execution: ExecutionSection.default(ExecutionSection.parse({})),
    secrets: SecretsSection.default({ key_env: 'DBOPS_SECRET_KEY' }),
    /** DBAs' scripts dbops runs as approved tickets (`/dbops run`); see runbook-schema.ts. */
    runbooks: RunbooksSection.default([]),
    grants: GrantsSection.default(GrantsSection.parse({})),
    /** The HTTP API for pipelines (/api/v1): off while no token is named. */
    api: ApiSection.default({ tokens: [] }),
    webhooks: z.array(Webhook).default([]),
    backups: BackupsSection.default(BackupsSection.parse({})),
  })
  .superRefine((config, ctx) => {
    for (const [name, cluster] of Object.entries(config.clusters)) {
      const backup = cluster.backup;
      if (!backup) continue;
      if (backup.verify_on !== undefined && !Object.hasOwn(config.clusters, backup.verify_on))
        ctx.addIssue({
          code: 'custom',
          path: ['clusters', name, 'backup', 'verify_on'],
          message: `no cluster named '${backup.verify_on}' (known: ${Object.keys(config.clusters).join(', ')})`,
        });
      if (config.backups.dir === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['backups', 'dir'],
          message: `clusters.${name}.backup needs backups.dir: where backup sets are written (a path every worker shares)`,
        });
    }
  });
export type DbopsConfig = z.infer<typeof DbopsConfig>;
