import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface ToolRun {
  /** The tool's stdout, to stream (mariadb-dump); null when it is ignored. */
  stdout: Readable | null;
  /** The tool's stdin, to feed (mariadb); null when it is not used. */
  stdin: Writable | null;
  /** Resolves when the tool exits 0; rejects with the last lines it wrote to stderr otherwise. */
  done: Promise<void>;
  /** Stop the tool (and what it started) now. */
  kill(): void;
}

export interface ToolOptions {
  stdout?: boolean;
  stdin?: boolean;
  signal?: AbortSignal;
  cwd?: string;
}

const STDERR_KEEP = 4000;

/**
 * Start a backup tool with an argv (never a shell line; the password is in its --defaults-file),
 * in a process group of its own so that a cancel or a failure stops it whole, with a clean
 * environment (no MYSQL_PWD or anything else of dbops' leaks into it).
 */
export function startTool(command: string, args: string[], options: ToolOptions = {}): ToolRun {
  const child = spawn(command, args, {
    stdio: [options.stdin ? 'pipe' : 'ignore', options.stdout ? 'pipe' : 'ignore', 'pipe'],
    detached: true,
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
  });
  const kill = () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const onAbort = () => kill();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`could not start ${command}: ${err.message}`)));
    child.once('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (code === 0) return resolve();
      const said = stderr.trim().split('\n').slice(-3).join(' / ');
      reject(
        new Error(`${command} ${signal ? `was stopped (${signal})` : `exited with ${code}`}${said ? `: ${said}` : ''}`),
      );
    });
  });
  return { stdout: child.stdout, stdin: child.stdin, done, kill };
}

/** Whether a tool can be started (`<tool> --version` exits 0). */
export async function toolInstalled(command: string): Promise<boolean> {
  try {
    await startTool(command, ['--version']).done;
    return true;
  } catch {
    return false;
  }
}
