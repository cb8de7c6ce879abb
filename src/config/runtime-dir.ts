import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../kernel/logger.js';

/**
 * dbops' runtime directory on this host (`$DBOPS_STATE_DIR/run`, mode 0700): where short-lived files
 * that may hold a secret go (pt-online-schema-change's option file with the cluster password, a
 * rollback script with rows of a table). Each process works in a subdirectory of its own named
 * `<host>-<pid>-<random>`; what a process that died left there is removed when another dbops process
 * of the same host starts or takes one of its jobs over. A live process's directory is never touched.
 *
 * A tool a job starts outlives a worker killed with SIGKILL. The job writes its pid in a file named
 * `tool.pid` beside a file the tool was given (its pause file): the sweep stops such a tool, if it
 * still runs with that directory in its arguments (or as its working directory), with its process
 * group, before removing the directory; so is any process still working inside the directory (a
 * runbook's script whose worker died before its pid file was written).
 */
export const TOOL_PID_FILE = 'tool.pid';

export interface RuntimeDir {
  /** This process's own directory. */
  readonly path: string;
  /** This process's private directory for `name` (created mode 0700 on first use; the same path for the same name). */
  dir(name: string): Promise<string>;
  /** Remove this process's directory for `name` and what is in it. */
  remove(name: string): Promise<void>;
  /** Remove the directories of this host's dead dbops processes; returns their paths. */
  sweep(): Promise<string[]>;
  /** Remove this process's own directory (at a clean stop). */
  close(): Promise<void>;
}

export interface RuntimeDirOptions {
  /** This host's name as directory names carry it; default `os.hostname()`. */
  host?: string;
  pid?: number;
  /** Whether a process of this host runs; default: `kill(pid, 0)`. */
  isAlive?: (pid: number) => boolean;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

const OWNER = /^(.+)-(\d+)-([0-9a-f]{8})$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** Open this process's directory under `root`, after removing what dead processes of this host left. */
export async function openRuntimeDir(root: string, options: RuntimeDirOptions = {}): Promise<RuntimeDir> {
  const host = (options.host ?? hostname()).replace(/[^A-Za-z0-9._-]/g, '_') || 'host';
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? processAlive;
  await mkdir(root, { recursive: true, mode: 0o700 });
  await chmod(root, 0o700);
  const ownName = `${host}-${pid}-${randomBytes(4).toString('hex')}`;
  const own = join(root, ownName);

  const sweep = async (): Promise<string[]> => {
    const removed: string[] = [];
    for (const entry of await readdir(root, { withFileTypes: true })) {
      const owner = OWNER.exec(entry.name);
      if (!entry.isDirectory() || !owner || entry.name === ownName || owner[1] !== host) continue;
      const ownerPid = Number(owner[2]);
      // Another directory claiming this process's pid is from an earlier life of it (a container's pid 1).
      if (ownerPid !== pid && isAlive(ownerPid)) continue;
      for (const stopped of await stopOrphanedTools(join(root, entry.name)))
        options.logger?.info('stopped a tool a dead dbops process had started', stopped);
      await rm(join(root, entry.name), { recursive: true, force: true });
      removed.push(join(root, entry.name));
    }
    if (removed.length > 0) options.logger?.info('removed files dead dbops processes left', { removed });
    return removed;
  };
  const path = (name: string) => {
    if (!NAME.test(name) || name === '.' || name === '..')
      throw new Error(`not a runtime directory name: ${JSON.stringify(name)}`);
    return join(own, name);
  };

  await sweep();
  await mkdir(own, { mode: 0o700 });
  return {
    path: own,
    async dir(name) {
      const dir = path(name);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      return dir;
    },
    async remove(name) {
      await rm(path(name), { recursive: true, force: true });
    },
    sweep,
    async close() {
      await rm(own, { recursive: true, force: true });
    },
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return err instanceof Error && 'code' in err && err.code === 'EPERM';
  }
}

/** Stop what the `tool.pid` files under `dir` name, when the process still runs with that directory in its arguments. */
async function stopOrphanedTools(dir: string): Promise<Array<{ pid: number; dir: string }>> {
  const stopped: Array<{ pid: number; dir: string }> = [];
  const entries = await readdir(dir, { recursive: true, encoding: 'utf8' }).catch(() => [] as string[]);
  for (const name of entries.filter((n) => n === TOOL_PID_FILE || n.endsWith(`/${TOOL_PID_FILE}`))) {
    const pidFile = join(dir, name);
    const toolPid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(toolPid) || toolPid <= 1) continue;
    if (!(await runsWithin(toolPid, dirname(pidFile)))) continue;
    await stopProcess(toolPid, () => runsWithin(toolPid, dirname(pidFile)));
    stopped.push({ pid: toolPid, dir: dirname(pidFile) });
  }
  // A tool whose pid file was never written (its worker killed as it started) still works in there.
  for (const pid of await processesWorkingIn(dir)) {
    if (stopped.some((s) => s.pid === pid)) continue;
    const running = async () => (await workingDirectory(pid)).startsWith(`${dir}/`);
    await stopProcess(pid, running);
    stopped.push({ pid, dir });
  }
  return stopped;
}

/** Processes (of this user, on Linux) whose working directory is inside `dir`; none elsewhere. */
async function processesWorkingIn(dir: string): Promise<number[]> {
  const pids = (await readdir('/proc').catch(() => [] as string[]))
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => pid > 1 && pid !== process.pid);
  const found: number[] = [];
  for (const pid of pids) if ((await workingDirectory(pid)).startsWith(`${dir}/`)) found.push(pid);
  return found;
}

/** A process's working directory from /proc, or '' (gone, a zombie, another user's, not Linux). */
function workingDirectory(pid: number): Promise<string> {
  return readlink(`/proc/${pid}/cwd`).catch(() => '');
}

/**
 * Does `pid` run with an argument inside `dir`? Read from /proc (Linux); elsewhere the answer is no,
 * and the tool runs on to its end. The directory's random name makes a reused pid no match.
 */
async function runsWithin(pid: number, dir: string): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (cmdline.split('\0').some((arg) => arg.startsWith(`${dir}/`))) return true;
  // A runbook's script is given no path of dbops', but works in a directory beside its pid file.
  return (await workingDirectory(pid)).startsWith(`${dir}/`);
}

/** SIGTERM, then SIGKILL if it is still there after 10 s. */
async function stopProcess(pid: number, running: () => Promise<boolean>): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    // The tool's process group first (a runbook runs as the leader of its own, with what it started).
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, s);
      } catch {
        // already gone, or not a group leader
      }
    }
  };
  signal('SIGTERM');
  for (let waited = 0; waited < 10_000; waited += 100) {
    if (!(await running())) return;
    await delay(100);
  }
  signal('SIGKILL');
}
