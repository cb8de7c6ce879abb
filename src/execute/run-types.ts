import type { Pool } from 'mysql2/promise';
import type { ExecutionSection } from '../config/schema.js';
import type { InstallationId } from '../db/installation.js';
import type { Logger } from '../kernel/logger.js';
import type { ShardConfig } from '../review/shards.js';
import type { ExecStatement } from './analyze.js';
import type { Credentials, OscControl } from './online-alter.js';

/** What a run of a ticket's statements is given and reports (run.ts runs them, statement.ts each one). */

export type StatementStatus = 'done' | 'already-done' | 'failed' | 'cancelled' | 'not-run';

export interface StatementResult {
  number: number;
  /** The statement's first words, for messages. */
  summary: string;
  kind: string;
  status: StatementStatus;
  affectedRows: number | null;
  savedRows: number | null;
  backupTable: string | null;
  warningCount: number;
  warnings: string[];
  durationMs: number | null;
  /** How it ran: `ALGORITHM=INSTANT`, `no backup: …`, `pt-online-schema-change, cut over by …`. */
  note: string | null;
  error: string | null;
}

export type RunOutcome = 'succeeded' | 'failed' | 'cancelled';

export interface RunReport {
  outcome: RunOutcome;
  results: StatementResult[];
  /** Why it stopped (the failed statement's error, or the refusal before anything ran). */
  failure: string | null;
}

export interface RunRequest {
  /** The installation the ticket belongs to: its execution log rows and backup tables are keyed by it. */
  installation: InstallationId;
  ticketId: number;
  attempt: number;
  sql: string;
  /** The ticket's `cluster.schema` schema: the default schema of the session. */
  schema: string | null;
  /** Rows the approvers saw (the whole ticket); null = not known, no limit. */
  estimate: number | null;
  /**
   * Why an UPDATE/DELETE that cannot be backed up exactly may still run (a DBA approved the ticket
   * over the review's prior-backup warning); null refuses such a statement.
   */
  unbackedApproval: string | null;
  /** A DBA's exception lets a large-table ALTER run without pt-online-schema-change. */
  largeAlterOverride: boolean;
  /** `rollback`: the statements are dbops' own restore of `rollbackOf`'s before-images. */
  purpose: 'change' | 'rollback';
  rollbackOf?: number;
  /**
   * Run the statements on this shard of a sharded ticket (0-based; the plan in shard-plan.ts): every
   * sharded name becomes that shard's table, and the execution log keeps the shard's rows apart.
   */
  shard?: number;
  /** Rows each statement (by number) must change exactly; a rollback knows them from its backups. */
  expectedRows?: Readonly<Record<number, number>>;
}

export interface RunEvents {
  started?(stmt: ExecStatement, total: number): Promise<void>;
  finished?(result: StatementResult, total: number): Promise<void>;
  progress?(fraction: number, message: string): Promise<void>;
  log?(line: string): Promise<void>;
}

export interface OnlineAlterDeps {
  /** The pt-online-schema-change executable, or null when it is not installed. */
  tool: string | null;
  credentials: () => Credentials;
  control: OscControl;
  pollMs?: number;
  /** A private directory for the tool's option and pause files (the job's, in the runtime directory). */
  workDir: () => Promise<string>;
}

export interface RunDeps {
  pool: Pool;
  settings: ExecutionSection;
  signal: AbortSignal;
  logger?: Logger;
  /** `review.shards`: the logical sharded tables a ticket's SQL may name (with `RunRequest.shard`). */
  shards?: ShardConfig;
  events?: RunEvents;
  online?: OnlineAlterDeps;
  /**
   * Journal each statement as a step (the job runner's `ctx.step`), with the SHA-256 of its text as
   * the step's fingerprint; without it statements just run. `interrupted` looks at what a worker that
   * died inside the statement left, instead of running it again.
   */
  step?: <T>(
    name: string,
    options: { idempotent: boolean; fingerprint: string; interrupted?: () => Promise<string | null> },
    run: () => Promise<T>,
  ) => Promise<T>;
}
