import type { Cluster } from '../config/schema.js';
import type { Runbook } from '../config/runbook-schema.js';

/**
 * What the runbook job gets through its JobContext (`ctx.services.runbooks`), built once per worker
 * process by src/wiring from the worker's own dbops.yml and environment.
 */
export interface RunbookServices {
  runbooks: readonly Runbook[];
  clusters: Readonly<Record<string, Cluster>>;
  /** Values masked in every runbook's output: every cluster's password, dbops' key, Slack's tokens. */
  secrets: readonly string[];
  /** Where a runbook's own `secrets` are read (the worker's environment). */
  env: NodeJS.ProcessEnv;
  /** After SIGTERM, how long a stopped script's process group has before SIGKILL (ms); default 5 s. */
  killGraceMs?: number;
  /** Least time between two updates of the status message's last lines and progress (ms); default 1 s. */
  flushMs?: number;
}
