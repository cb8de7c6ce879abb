import { spawn } from 'node:child_process';

export type OutputStream = 'stdout' | 'stderr';

export interface ProcessSpec {
  executable: string;
  /** Handed to the executable as they are: no shell reads them. */
  args: readonly string[];
  /** The whole environment of the process (nothing of dbops' own is inherited). */
  env: Readonly<Record<string, string>>;
  cwd: string;
  timeoutMs: number;
  /** Aborted on Cancel (or a worker shutting down): the process group is stopped. */
  signal: AbortSignal;
  /** Each line of output (without its line break), as it comes. */
  onLine(stream: OutputStream, line: string): void;
  /**
   * Called with the pid (= its process group id) as soon as the process exists, before this process
   * turns its event loop again: what is recorded here synchronously is there before the script can
   * have done anything, even if this process is killed a moment later.
   */
  onStart?(pid: number): void;
  /** After SIGTERM, how long the group has before SIGKILL; default 5 s. */
  killGraceMs?: number;
}

export interface ProcessOutcome {
  /** The exit code, or null when a signal ended the process. */
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  /** `timeout` or `cancel` when dbops stopped it. */
  stoppedBy: 'timeout' | 'cancel' | null;
}

/** Longest line kept whole; longer ones are cut into pieces of this size. */
export const MAX_LINE = 4000;

/**
 * Run an executable in a process group of its own, streaming its output line by line. A timeout
 * or an abort stops the whole group (SIGTERM, then SIGKILL after the grace); when the process ends,
 * whatever it left running in its group is killed too, so nothing outlives the run.
 */
export function runProcess(spec: ProcessSpec): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    if (spec.signal.aborted) {
      resolve({ exitCode: null, exitSignal: null, stoppedBy: 'cancel' });
      return;
    }
    const child = spawn(spec.executable, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stoppedBy: ProcessOutcome['stoppedBy'] = null;
    let exited = false;
    const group = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is gone
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: 'timeout' | 'cancel') => {
      if (stoppedBy !== null || exited) return;
      stoppedBy = why;
      group('SIGTERM');
      killTimer = setTimeout(() => group('SIGKILL'), spec.killGraceMs ?? 5000);
    };
    const timer = setTimeout(() => stop('timeout'), spec.timeoutMs);
    const onAbort = () => stop('cancel');
    spec.signal.addEventListener('abort', onAbort, { once: true });
    const out = lines((line) => spec.onLine('stdout', line));
    const err = lines((line) => spec.onLine('stderr', line));
    child.stdout.setEncoding('utf8').on('data', out.push);
    child.stderr.setEncoding('utf8').on('data', err.push);
    const cleanUp = () => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      spec.signal.removeEventListener('abort', onAbort);
    };
    // spawn() has forked by now (a pid is set unless it failed, which 'error' reports).
    if (child.pid !== undefined) spec.onStart?.(child.pid);
    child.once('error', (error) => {
      cleanUp();
      reject(error);
    });
    child.once('exit', () => {
      exited = true;
      // What the script left behind in its group (a background `sleep`, a tool) goes with it.
      group('SIGKILL');
    });
    child.once('close', (exitCode, exitSignal) => {
      cleanUp();
      out.end();
      err.end();
      resolve({ exitCode, exitSignal, stoppedBy });
    });
  });
}

/** Split a text stream into lines (`\n`, `\r\n` or `\r`); lines longer than MAX_LINE are cut. */
function lines(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let rest = '';
  const emit = (line: string) => {
    for (let i = 0; i < line.length; i += MAX_LINE) onLine(line.slice(i, i + MAX_LINE));
    if (line.length === 0) onLine('');
  };
  return {
    push(chunk) {
      rest += chunk;
      const parts = rest.split(/\r\n|\n|\r/);
      rest = parts.pop() ?? '';
      for (const part of parts) emit(part);
      while (rest.length > MAX_LINE) {
        onLine(rest.slice(0, MAX_LINE));
        rest = rest.slice(MAX_LINE);
      }
    },
    end() {
      if (rest !== '') emit(rest);
      rest = '';
    },
  };
}
