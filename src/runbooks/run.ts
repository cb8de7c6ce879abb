import { messageOf } from '../kernel/errors.js';
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Runbook } from '../config/runbook-schema.js';
import { TOOL_PID_FILE } from '../config/runtime-dir.js';
import { type Credentials, optionFile } from '../execute/online-alter.js';
import type { CheckedParams } from './params.js';
import { type OutputStream, type ProcessOutcome, runProcess } from './process.js';
import { readProgressLine } from './progress-line.js';
import { secretScrubber } from './scrub.js';
import { plural } from '../kernel/format.js';

/** The PATH a runbook runs with: the system's directories, never dbops' own environment's. */
export const RUNBOOK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The full log kept of a run (for the file attached at the end) at most; later lines are counted, not kept. */
const MAX_LOG_CHARS = 8 * 1024 * 1024;

/** Where a run's output goes as it comes, already scrubbed of secrets. */
export interface RunbookReporter {
  line(stream: OutputStream, text: string): void;
  progress(fraction: number, message: string): void;
}

export interface RunbookRunInput {
  runbook: Pick<Runbook, 'name' | 'run' | 'params' | 'timeout'>;
  params: CheckedParams;
  /** The target cluster's primary, as the runner's pool connects to it. */
  connection: Credentials;
  /** The cluster's replicas (`host:port`), for runbooks that compare them (DBOPS_REPLICAS). */
  replicas: readonly string[];
  ticketRef: string;
  /** Environment variables handed to the script besides dbops' own (the runbook's `secrets`). */
  secretEnv: Readonly<Record<string, string>>;
  /** Values masked wherever they appear in the output (the cluster password is always one). */
  secrets: readonly string[];
  /** A private directory (0700) the run may use; the run works in a fresh directory inside it. */
  workDir: string;
  signal: AbortSignal;
  reporter: RunbookReporter;
  /** Called once the script runs, with its pid (its process group). */
  onStart?(pid: number): void;
  killGraceMs?: number;
}

export interface RunbookOutcome extends ProcessOutcome {
  ok: boolean;
  /** Every line of output, scrubbed, as `[stderr] …` for stderr (cut at MAX_LOG_CHARS). */
  log: string;
  lines: number;
  /** The last lines of output, scrubbed. */
  tail: string[];
  durationMs: number;
}

/**
 * Run a runbook's executable: argv only (the params' values in declaration order), a clean
 * environment, a working directory of its own, the target's connection in a 0600 option file
 * (MYSQL_DEFAULTS_FILE). Output is scrubbed, then streamed; progress lines move the progress bar.
 */
export async function runRunbook(input: RunbookRunInput): Promise<RunbookOutcome> {
  const dir = await mkdtemp(join(input.workDir, 'runbook-'));
  const cwd = join(dir, 'work');
  const defaults = join(dir, 'client.cnf');
  const scrub = secretScrubber([input.connection.password, ...input.secrets, ...Object.values(input.secretEnv)]);
  const log = new RunLog();
  const started = Date.now();
  try {
    await mkdir(cwd, { mode: 0o700 });
    await writeFile(defaults, optionFile(input.connection), { mode: 0o600, flag: 'wx' });
    const outcome = await runProcess({
      executable: input.runbook.run,
      args: Object.keys(input.runbook.params).map((name) => input.params.values[name]),
      env: runbookEnv(input, { cwd, defaults }),
      cwd,
      timeoutMs: input.runbook.timeout * 1000,
      signal: input.signal,
      killGraceMs: input.killGraceMs,
      onStart(pid) {
        // If this worker dies, the worker that takes the job over on this host stops the script by it.
        // Written before this process does anything else: a worker killed right after the start leaves it.
        try {
          writeFileSync(join(dir, TOOL_PID_FILE), `${pid}\n`, { mode: 0o600 });
        } catch {
          // the sweep still finds the script by its working directory
        }
        input.onStart?.(pid);
      },
      onLine(stream, raw) {
        const text = scrub(raw);
        const progress = stream === 'stdout' ? readProgressLine(text) : null;
        if (progress) {
          log.add(`[progress ${Math.round(progress.fraction * 100)}%] ${progress.message}`);
          input.reporter.progress(progress.fraction, progress.message);
          return;
        }
        log.add(stream === 'stderr' ? `[stderr] ${text}` : text);
        input.reporter.line(stream, text);
      },
    });
    return {
      ...outcome,
      ok: outcome.exitCode === 0 && outcome.stoppedBy === null,
      log: log.text(),
      lines: log.count,
      tail: log.tail,
      durationMs: Date.now() - started,
    };
  } catch (err) {
    throw new Error(startProblem(input.runbook, err), { cause: err });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runbookEnv(input: RunbookRunInput, at: { cwd: string; defaults: string }): Record<string, string> {
  const { connection, params } = input;
  const env: Record<string, string> = {
    ...input.secretEnv,
    PATH: RUNBOOK_PATH,
    HOME: at.cwd,
    TMPDIR: at.cwd,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TZ: 'UTC',
    MYSQL_DEFAULTS_FILE: at.defaults,
    MYSQL_HOST: connection.host,
    MYSQL_TCP_PORT: String(connection.port),
    DBOPS_DB_HOST: connection.host,
    DBOPS_DB_PORT: String(connection.port),
    DBOPS_DB_USER: connection.user,
    DBOPS_RUNBOOK: input.runbook.name,
    DBOPS_TICKET: input.ticketRef,
    DBOPS_CLUSTER: params.target.cluster,
    DBOPS_REPLICAS: input.replicas.join(','),
  };
  if (params.target.schema !== null) env.DBOPS_SCHEMA = params.target.schema;
  if (params.target.table !== null) env.DBOPS_TABLE = params.target.table;
  for (const [name, value] of Object.entries(params.values)) env[`DBOPS_PARAM_${name.toUpperCase()}`] = value;
  return env;
}

function startProblem(runbook: Pick<Runbook, 'name' | 'run'>, err: unknown): string {
  const code = err instanceof Error && 'code' in err ? String(err.code) : '';
  if (code === 'ENOENT') return `runbook ${runbook.name}: ${runbook.run} does not exist on this worker`;
  if (code === 'EACCES')
    return `runbook ${runbook.name}: ${runbook.run} is not executable on this worker (chmod +x it)`;
  if (code === 'ENOEXEC')
    return `runbook ${runbook.name}: ${runbook.run} is not a program this worker can run (a script needs a #! line)`;
  return `runbook ${runbook.name} could not be started: ${messageOf(err)}`;
}

/** A run's output as kept for its log file and the status message. */
class RunLog {
  count = 0;
  readonly tail: string[] = [];
  private readonly kept: string[] = [];
  private size = 0;
  private dropped = 0;

  add(line: string): void {
    this.count += 1;
    this.tail.push(line);
    if (this.tail.length > 20) this.tail.shift();
    if (this.size + line.length + 1 > MAX_LOG_CHARS) {
      this.dropped += 1;
      return;
    }
    this.kept.push(line);
    this.size += line.length + 1;
  }

  text(): string {
    const end =
      this.dropped > 0 ? `\n… ${plural(this.dropped, 'more line')} not kept (the log is cut at 8 MB)\n` : '\n';
    return this.kept.join('\n') + (this.kept.length > 0 ? end : '');
  }
}
