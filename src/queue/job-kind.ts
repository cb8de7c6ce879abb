import type { JobsOptions } from 'bullmq';
import type { Pool } from 'mysql2/promise';
import type { z } from 'zod';
import type { Cluster } from '../config/schema.js';
import type { InstallationId } from '../db/installation.js';
import type { GrantJobServices } from '../accounts/job-services.js';
import type { BackupJobServices } from '../backup/job-services.js';
import type { ExecutionServices } from '../execute/job-services.js';
import type { Logger } from '../kernel/logger.js';
import type { RunbookServices } from '../runbooks/job-services.js';
import type { HaJobServices } from '../ha/job-services.js';
import type { Ticket } from '../tickets/ticket.js';

/**
 * The contract between the job runner (src/queue/) and a job kind (jobs/<kind>.ts). The runner
 * fences each run with the ticket's state, relays progress to the ticket's thread, delivers
 * cancellation, and journals steps so a redelivered job never repeats a non-idempotent one.
 */

/** Connections to the clusters a job works on; pools are shared and owned by the runner. */
export interface ClusterAccess {
  cluster(name: string): Cluster;
  primary(name: string): Pool;
  replicaOrPrimary(name: string): Pool;
}

/** Typed services the wiring gives every job besides its ticket, built once per worker process. */
export interface JobServices {
  /** dbops.yml's `execution` settings and the online ALTER's channel to Slack (execute-sql, rollback). */
  execution: ExecutionServices;
  /** dbops.yml's runbooks and the secrets their output is scrubbed of (jobs/runbook.ts); absent where none are wired. */
  runbooks?: RunbookServices;
  /** Grants' store, password store, expiry queue and owner notices (jobs/grant.ts). */
  grants?: GrantJobServices;
  /** Switchovers and failovers: the recorded topology and the worker's secrets (jobs/switchover.ts). */
  ha?: HaJobServices;
  /** Backup sets and restore settings (jobs/restore.ts). */
  backups?: BackupJobServices;
}

export interface StepOptions {
  /**
   * Idempotent steps may run again after a crash (they resume). A non-idempotent step that was
   * started but not recorded as done is never re-run: the runner fails the ticket and says so.
   */
  idempotent: boolean;
  /**
   * What the step runs, e.g. the SHA-256 of a statement's text. A step the journal holds with another
   * fingerprint is neither taken as done nor run again: the job fails and says why.
   */
  fingerprint?: string;
  /**
   * Called instead of the step when it is not idempotent and an earlier worker began it without
   * finishing: look at what that worker may have left (and say so where it matters). What it
   * returns is added to the ticket's failure; errors in it are logged and ignored.
   */
  interrupted?: () => Promise<string | null>;
}

export interface JobContext {
  ticket: Ticket;
  /** Which attempt of the ticket this is (a DBA's retry is a new attempt). */
  attempt: number;
  /**
   * The dbops installation running it. Whatever the job writes outside the meta database that a
   * later run reads back (backup tables, logs on the target, staging tables) is named or keyed by
   * it, so another installation's — or a re-created meta database's — T-42 is never taken for this one.
   */
  installation: InstallationId;
  clusters: ClusterAccess;
  /** The process's services for jobs (settings, channels); see JobServices. */
  services: JobServices;
  /**
   * Report progress: `fraction` in [0, 1], with a short message ("37/512 shards done"). The runner
   * edits the ticket's status message in place, at most once every two seconds.
   */
  progress(fraction: number, message: string): Promise<void>;
  /** A line for the job's log (kept with the job; the last lines show in the status message). */
  log(line: string): Promise<void>;
  /** A milestone reply in the ticket's thread ("statement 2/5 done: 1,204 rows in 0.8 s"): plain text, backtick code allowed; escaped when shown. */
  milestone(text: string): Promise<void>;
  /**
   * Attach a text file to the ticket's thread (a runbook's full log): plain text in, posted as a
   * file with `title`; false when it could not be posted (never throws). Say nothing secret in it.
   */
  attach(file: { filename: string; title: string; content: string }): Promise<boolean>;
  /**
   * Run a named step once per attempt. A step already done returns its recorded result without
   * running again; see StepOptions for what happens to a step interrupted by a crash.
   */
  step<T>(name: string, options: StepOptions, run: () => Promise<T>): Promise<T>;
  /**
   * Aborted when the ticket is cancelled (from any process), when a sibling part failed, or when the
   * worker shuts down; `signal.reason` is a `JobStop` (src/queue/errors.ts) saying which. Stop at a
   * safe point and throw (`signal.throwIfAborted()`); `runKillable` (src/db/kill-query.ts) kills a
   * running query with KILL QUERY from a second connection when the signal fires.
   */
  signal: AbortSignal;
  logger: Logger;
  /**
   * A private directory (mode 0700) for files this run must keep on disk that may hold a secret (a
   * tool's option file): in this process's runtime directory, removed when the part ends and, if
   * the worker dies, when another worker on the host takes the job over or starts.
   */
  workDir(): Promise<string>;
  /** Set when this run is one part of a decomposed ticket (see `TicketJobKind.parts`). */
  part?: PartInfo;
}

/** One unit of a decomposed ticket: a shard, a table, a statement group. */
export interface JobPart {
  /** Stable and unique within the ticket (`orders_37`); the journal and job ids are keyed by it. */
  key: string;
  /** How the thread names it (`shard orders_37`). */
  label: string;
  /** What the part needs besides the ticket's payload: ids and names, never credentials (JSON). */
  data?: Record<string, unknown>;
}

export interface PartInfo extends JobPart {
  /** 0-based position in the plan. */
  index: number;
  total: number;
}

/**
 * Decomposition: a ticket with many independent parts runs as a parent job with one child job per
 * part (BullMQ flows). Parts run in any order and in parallel, at most `max_concurrent_jobs` of the
 * cluster at once, on any worker; the thread shows "37/512 shards done". When a kind has `parts`,
 * the runner calls `plan` once per attempt (journaled), `run` for each part, and `summarize` at the end;
 * `process` is not called.
 */
export interface JobParts<T> {
  /** Plural noun for the thread: `shards`, `tables`, `statements`. */
  noun: string;
  plan(payload: T, ctx: JobContext): Promise<JobPart[]>;
  run(part: PartInfo, payload: T, ctx: JobContext): Promise<JobResult>;
  /** The ticket's result from every part's (default: "512 shards done"). */
  summarize?(results: ReadonlyArray<{ part: PartInfo; result: JobResult }>, payload: T): JobResult;
  /** `stop` (default): the first failed part stops the others at a safe point; `continue`: run all, then fail. */
  onFailure?: 'stop' | 'continue';
  /**
   * Run the parts one at a time in plan order (shards in shard order): the next starts when the one
   * before has ended. After a failure (with `onFailure: 'stop'`) or a stop request the parts not
   * started are recorded as skipped, so the thread shows which ran and which did not.
   */
  sequential?: boolean;
}

/** What a job reports when it ends; the runner posts `summary` and stores `details` on the ticket. */
export interface JobResult {
  summary: string;
  details?: Record<string, unknown>;
}

export interface TicketJobKind<P extends z.ZodType = z.ZodType> {
  /** Job name in the queue, e.g. `execute-sql`; equals the file name in jobs/. */
  name: string;
  /** zod schema of the ticket's payload this job runs; the runner parses it before `process`. */
  payload: P;
  /**
   * BullMQ options for the jobs that do this kind's work (each part; attempts, backoff); the runner's
   * defaults (one attempt) apply otherwise. A retry re-runs idempotent steps only: a non-idempotent
   * step that failed or was interrupted is never run again.
   */
  options?: JobsOptions;
  process(payload: z.infer<P>, ctx: JobContext): Promise<JobResult>;
  /** Run as a parent with child jobs, one per part; see JobParts. */
  parts?: JobParts<z.infer<P>>;
  /**
   * Work that cannot wait for the cluster's peak hours to end (a failover: the primary is down):
   * it starts as soon as it is approved and due. Default: it waits for the window like any job.
   */
  urgent?(payload: z.infer<P>): boolean;
}

/** Declare a ticket job kind with its payload type inferred from the schema. */
export function defineTicketJob<P extends z.ZodType>(kind: TicketJobKind<P>): TicketJobKind {
  return kind as unknown as TicketJobKind;
}
