import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TOOL_PID_FILE } from '../config/runtime-dir.js';
import type { OnlineAlterOptions, OscState } from './osc-types.js';
import { lineSplitter, readOscLine } from './osc-output.js';
import { CancelledError } from './session.js';

/** The panel shows the copy's progress in steps of this many percent. */
const PANEL_STEP = 5;

export interface CopyContext extends OnlineAlterOptions {
  pauseFile: string;
  state: OscState;
  report(change: Partial<OscState>): Promise<void>;
}

/** Run the tool to the end of its copy, following Slack's Pause/Resume; cancel kills it. */
export async function copyWithTool(tool: string, args: string[], c: CopyContext): Promise<void> {
  const child = spawn(tool, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If this worker dies, the tool runs on: a worker that takes the job over on this host stops it by this pid.
  try {
    if (child.pid) writeFileSync(join(dirname(c.pauseFile), TOOL_PID_FILE), `${child.pid}\n`, { mode: 0o600 });
  } catch {
    // Without it, a tool whose worker died runs on to the end of its copy.
  }
  const tail: string[] = [];
  let lastProgress = -1;
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
    const read = readOscLine(line);
    if (read.kind === 'progress') {
      if (read.percent === lastProgress) return;
      lastProgress = read.percent;
      void c.progress(read.percent / 100, `${c.state.table}: copying rows ${read.percent}%`);
      // The panel is a Slack message edited in place: every 5 %, or when the phase changes, is plenty.
      const phase = c.state.phase === 'pausing' || c.state.phase === 'paused' ? c.state.phase : 'copying';
      if (
        phase === c.state.phase &&
        c.state.percent !== null &&
        read.percent < 100 &&
        Math.floor(read.percent / PANEL_STEP) === Math.floor(c.state.percent / PANEL_STEP)
      )
        return;
      void c.report({
        phase,
        percent: read.percent,
        detail: `copying rows${read.remaining ? `, about ${read.remaining} left` : ''}`,
      });
      return;
    }
    if (read.kind === 'paused') {
      if (c.state.phase !== 'paused')
        void c.report({ phase: 'paused', detail: 'paused between two chunks; the triggers keep the copy in step' });
      return;
    }
    if (read.kind === 'copy-started')
      void c.report({
        phase: 'copying',
        percent: 0,
        detail: `copying about ${read.rows?.toLocaleString('en-US') ?? '?'} rows`,
      });
    if (read.kind === 'copied' || read.kind === 'done' || read.kind === 'copy-started' || read.kind === 'error')
      void c.log(`pt-online-schema-change: ${line.trim()}`);
  };
  const out = lineSplitter(onLine);
  const err = lineSplitter(onLine);
  child.stdout?.on('data', (d: Buffer) => out.push(d));
  child.stderr?.on('data', (d: Buffer) => err.push(d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      out.end();
      err.end();
      resolve({ code, signal });
    });
  });
  const stop = new AbortController();
  const poller = followRequests(c, stop.signal);
  const onAbort = () => stopChild(child);
  c.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const { code, signal } = await exited;
    if (c.signal.aborted) throw new CancelledError('the online ALTER was cancelled');
    if (code !== 0) {
      const errors = tail.filter((l) => readOscLine(l).kind === 'error');
      const why = (errors.length > 0 ? errors : tail.slice(-5)).join(' / ').slice(0, 1500);
      throw new Error(`pt-online-schema-change failed (${signal ? `signal ${signal}` : `exit ${code}`}): ${why}`);
    }
  } finally {
    c.signal.removeEventListener('abort', onAbort);
    stop.abort();
    await poller;
    await unlink(c.pauseFile).catch(() => undefined);
  }
}

/** Apply Slack's Pause/Resume to the pause file until the copy ends. */
async function followRequests(c: CopyContext, until: AbortSignal): Promise<void> {
  const every = c.pollMs ?? 1000;
  while (!until.aborted) {
    try {
      const wanted = await c.control.read();
      const present = existsSync(c.pauseFile);
      if (wanted.paused && !present) {
        // Say "pausing" first: the tool may see the file and report "paused" at once.
        await c.report({ phase: 'pausing', detail: 'pausing after the chunk being copied', by: wanted.pausedBy });
        await writeFile(c.pauseFile, `paused by ${wanted.pausedBy ?? 'a DBA'}\n`);
        await c.log(`online ALTER of ${c.state.table}: paused by ${wanted.pausedBy ?? 'a DBA'}`);
      } else if (!wanted.paused && present) {
        await c.report({
          phase: 'resuming',
          detail:
            'resuming: pt-online-schema-change looks at its pause file once a minute, so copying restarts within 60 s',
        });
        await unlink(c.pauseFile).catch(() => undefined);
        await c.log(`online ALTER of ${c.state.table}: resumed`);
      }
    } catch {
      // The control channel is best effort: a missed poll is retried on the next one.
    }
    await sleep(every, until);
  }
}

function stopChild(child: ChildProcess): void {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  setTimeout(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  }, 10_000).unref();
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
