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
  /** The port its `/healthz` and `/metrics` listen on. */
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
}

const dirs: string[] = [];

/**
 * A real worker process (DBOPS_ROLE=worker) on the test's meta database, queue (named in the config
 * YAML's runner section) and Slack API; resolves once its workers are listening.
 */
export async function spawnWorker(options: SpawnOptions): Promise<WorkerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'dbops-worker-'));
  dirs.push(dir);
  const configPath = join(dir, `dbops-${randomBytes(3).toString('hex')}.yml`);
  writeFileSync(configPath, options.configYaml);
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/worker-process.ts'], {
    env: {
      ...process.env,
      DBOPS_ROLE: 'worker',
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
  const port = () => Number(/"port":(\d+),"msg":"dbops worker is running"/.exec(logs)?.[1] ?? 0);
  const worker: WorkerProcess = {
    name: options.name,
    child,
    logs: () => logs,
    exited,
    kill: (signal) => child.kill(signal),
    port,
  };
  // Only a hang detector: a cold tsx start on a loaded two-core machine has taken over 30 s.
  const deadline = Date.now() + 120_000;
  while (!logs.includes('"msg":"dbops worker is running"')) {
    const ended = await Promise.race([
      exited.then(() => true),
      new Promise((r) => setTimeout(r, 50)).then(() => false),
    ]);
    if (ended) throw new Error(`worker ${options.name} exited before it started:\n${logs}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker ${options.name} did not start in 120 s:\n${logs}`);
    }
  }
  return worker;
}

/** Kill what is still running and remove the config files. */
export async function cleanUpWorkers(workers: readonly WorkerProcess[]): Promise<void> {
  for (const w of workers) {
    if (w.child.exitCode === null && w.child.signalCode === null) {
      w.child.kill('SIGKILL');
      await w.exited;
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
