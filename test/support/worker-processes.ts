import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_SECRET_KEY } from './approvals.js';

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  /** Everything it logged so far (JSON lines). */
  logs(): string;
  /** Resolves with the exit code (or signal) once it ended. */
  exited: Promise<number | string | null>;
  kill(signal: NodeJS.Signals): void;
  /** The port its `/healthz` and `/metrics` (a bot: also `/slack/events`) listen on. */
  port(): number;
}

export interface SpawnOptions {
  name: string;
  configYaml: string;
  metaUrl: string;
  slackApiUrl: string;
  /** DBOPS_STATE_DIR (workers "on one host" share one); default: a fresh one of this worker's own. */
  stateDir?: string;
  /** More environment (a cluster's password_env). */
  env?: Record<string, string>;
  /** How long it may take to start (default 120 s: a hang detector, not a timing check). */
  startTimeoutMs?: number;
}

const dirs: string[] = [];
/** Every process spawned, so a clean-up also ends those whose start a failed `Promise.all` left behind. */
const spawned = new Set<WorkerProcess>();

/**
 * A real worker process (DBOPS_ROLE=worker) on the test's meta database, queue (named in the config
 * YAML's runner section) and Slack API; resolves once its workers are listening.
 */
export function spawnWorker(options: SpawnOptions): Promise<WorkerProcess> {
  return spawnDbops(options, 'worker', {
    ready: '"msg":"dbops worker is running"',
    port: /"port":(\d+),"msg":"dbops worker is running"/,
  });
}

/**
 * A real bot process (DBOPS_ROLE=bot, HTTP mode with `signingSecret`) on the test's meta database,
 * queue and Slack API; resolves once it listens (its port: `port()`).
 */
export function spawnBot(options: SpawnOptions & { signingSecret: string }): Promise<WorkerProcess> {
  return spawnDbops({ ...options, env: { SLACK_SIGNING_SECRET: options.signingSecret, ...options.env } }, 'bot', {
    ready: '"msg":"dbops is listening"',
    port: /"port":(\d+),[^\n]*"msg":"dbops is listening"/,
  });
}

async function spawnDbops(
  options: SpawnOptions,
  role: 'worker' | 'bot',
  signs: { ready: string; port: RegExp },
): Promise<WorkerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'dbops-worker-'));
  dirs.push(dir);
  const configPath = join(dir, `dbops-${randomBytes(3).toString('hex')}.yml`);
  writeFileSync(configPath, options.configYaml);
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/worker-process.ts'], {
    env: {
      ...process.env,
      DBOPS_ROLE: role,
      DBOPS_CONFIG: configPath,
      DBOPS_META_URL: options.metaUrl,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: options.slackApiUrl,
      PORT: '0',
      LOG_LEVEL: 'info',
      DBOPS_TEST_WORKER_NAME: options.name,
      DBOPS_STATE_DIR: options.stateDir ?? join(dir, 'state'),
      // The key the test's own fixtures seal approvals with.
      DBOPS_SECRET_KEY: TEST_SECRET_KEY,
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let logs = '';
  child.stderr?.on('data', (d: Buffer) => {
    logs += d.toString();
    if (process.env.DBOPS_TEST_LOGS) process.stderr.write(`[${options.name}] ${d.toString()}`);
  });
  const exited = once(child, 'exit').then(([code, signal]: unknown[]) =>
    typeof code === 'number' ? code : typeof signal === 'string' ? signal : null,
  );
  const port = () => Number(signs.port.exec(logs)?.[1] ?? 0);
  const worker: WorkerProcess = {
    name: options.name,
    child,
    logs: () => logs,
    exited,
    kill: (signal) => child.kill(signal),
    port,
  };
  spawned.add(worker);
  // Only a hang detector: a cold tsx start on a loaded two-core machine has taken over 30 s.
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const deadline = Date.now() + startTimeoutMs;
  while (!logs.includes(signs.ready)) {
    const ended = await Promise.race([
      exited.then(() => true),
      new Promise((r) => setTimeout(r, 50)).then(() => false),
    ]);
    if (ended) throw new Error(`${role} ${options.name} exited before it started:\n${logs}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${role} ${options.name} did not start in ${startTimeoutMs / 1000} s:\n${logs}`);
    }
  }
  return worker;
}

/** Kill what is still running and remove the config files. */
export async function cleanUpWorkers(workers: readonly WorkerProcess[]): Promise<void> {
  for (const w of new Set([...workers, ...spawned])) {
    spawned.delete(w);
    if (w.child.exitCode === null && w.child.signalCode === null) {
      w.child.kill('SIGKILL');
      await w.exited;
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
