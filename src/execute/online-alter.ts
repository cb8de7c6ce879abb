import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import type { ExecutionSection } from '../config/schema.js';
import { lineSplitter, readOscLine } from './osc-output.js';
import { qualified, quoteIdent, shown, type TableName } from './names.js';
import { CancelledError, serverError, type ExecutionSession } from './session.js';

export type OscPhase = 'starting' | 'copying' | 'pausing' | 'paused' | 'resuming' | 'ready' | 'cutting-over' | 'done' | 'failed' | 'cancelled';

/** Where an online ALTER is, for the Slack panel. */
export interface OscState {
  phase: OscPhase;
  table: string;
  percent: number | null;
  detail: string;
  /** Who pressed what, last. */
  by?: string;
}

/** What DBAs asked for from Slack (Pause, Resume, Cut-over), read by the running job. */
export interface OscRequests {
  paused: boolean;
  pausedBy?: string;
  cutOver: { by: string } | null;
}

export interface OscControl {
  read(): Promise<OscRequests>;
  report(state: OscState): Promise<void>;
}

export interface Credentials {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface OnlineAlterOptions {
  settings: ExecutionSection['pt_osc'];
  lockWaitTimeoutSeconds: number;
  credentials: Credentials;
  table: TableName;
  clause: string;
  session: ExecutionSession;
  control: OscControl;
  signal: AbortSignal;
  progress(fraction: number, message: string): Promise<void>;
  log(line: string): Promise<void>;
  /** How often Slack's requests are read (ms); default 1000. */
  pollMs?: number;
}

export interface OnlineAlterOutcome {
  cutOverBy: string;
  keptOldTable: string | null;
}

/** The tool's path when it is installed (an absolute path, or a name found on PATH); else null. */
export function findTool(path: string, envPath = process.env.PATH ?? ''): string | null {
  if (isAbsolute(path)) return existsSync(path) ? path : null;
  for (const dir of envPath.split(delimiter)) {
    if (dir && existsSync(join(dir, path))) return join(dir, path);
  }
  return null;
}

/** Names the copy and the old table get: `_orders_new`, `_orders_old`. */
export function oscTableNames(table: string): { newTable: string; oldTable: string } {
  return { newTable: `_${table}_new`.slice(0, 64), oldTable: `_${table}_old`.slice(0, 64) };
}

/** A MySQL option file (`[client]`) with the connection, so no credential is a process argument. */
export function optionFile(c: Credentials): string {
  const value = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
  return `[client]\nhost=${value(c.host)}\nport=${c.port}\nuser=${value(c.user)}\npassword=${value(c.password)}\n`;
}

/** Flags dbops sets itself; `pt_osc.extra_args` may not override them. */
const OWN_FLAGS = /^--(?:no-)?(?:alter|execute|dry-run|swap-tables|drop-triggers|drop-new-table|drop-old-table|pause-file|new-table-name|password|user|host|port|socket|defaults-file|ask-pass|progress)\b|^-[pPuhSF]/;

export function oscArguments(o: { clause: string; settings: ExecutionSection['pt_osc']; pauseFile: string; optionFile: string; table: TableName; newTable: string }): string[] {
  for (const arg of o.settings.extra_args) {
    if (OWN_FLAGS.test(arg)) throw new Error(`execution.pt_osc.extra_args may not set ${arg.split('=')[0]}: dbops sets it itself`);
  }
  return [
    '--alter', o.clause,
    '--execute',
    '--no-swap-tables', '--no-drop-triggers', '--no-drop-new-table', '--no-drop-old-table',
    '--new-table-name', o.newTable,
    '--pause-file', o.pauseFile,
    '--progress', 'percentage,1',
    '--chunk-time', String(o.settings.chunk_time),
    '--max-load', o.settings.max_load,
    '--critical-load', o.settings.critical_load,
    ...o.settings.extra_args,
    `F=${o.optionFile},D=${o.table.schema},t=${o.table.name}`,
  ];
}

/**
 * ALTER a large table with pt-online-schema-change, leaving the swap to a DBA: the tool builds the
 * altered copy and keeps it in step with triggers (`--no-swap-tables --no-drop-triggers`), dbops
 * relays its progress, pauses it while Slack says so (its `--pause-file`), and when a DBA presses
 * Cut-over renames both tables in one RENAME TABLE and drops the triggers and the old table.
 * Cancel or failure removes the copy and the triggers, leaving the table as it was.
 */
export async function runOnlineAlter(tool: string, o: OnlineAlterOptions): Promise<OnlineAlterOutcome> {
  const { table, session, control } = o;
  const { newTable, oldTable } = oscTableNames(table.name);
  const label = shown(table);
  for (const name of [newTable, oldTable]) {
    if (await tableExists(session, { schema: table.schema, name })) {
      throw new Error(`\`${table.schema}.${name}\` already exists (left by an earlier online ALTER?): drop it or rename it, then run the ticket again`);
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'dbops-osc-'));
  const pauseFile = join(dir, 'pause');
  const defaults = join(dir, 'client.cnf');
  const state: OscState = { phase: 'starting', table: label, percent: null, detail: 'pt-online-schema-change is creating the altered copy' };
  const report = async (change: Partial<OscState>) => {
    Object.assign(state, change);
    await control.report({ ...state }).catch(() => undefined);
  };
  try {
    await writeFile(defaults, optionFile(o.credentials), { mode: 0o600, flag: 'wx' });
    const args = oscArguments({ clause: o.clause, settings: o.settings, pauseFile, optionFile: defaults, table, newTable });
    await report({});
    await copyWithTool(tool, args, { ...o, pauseFile, report, state });
    if (!(await tableExists(session, { schema: table.schema, name: newTable }))) throw new Error(`pt-online-schema-change finished but \`${newTable}\` is not there`);
    await report({ phase: 'ready', percent: 100, detail: `the altered copy \`${newTable}\` is complete and kept in step by triggers; press Cut-over to swap it in` });
    await o.progress(1, `${label}: copy complete, waiting for a DBA's cut-over`);
    await o.log(`online ALTER of ${label}: copy complete; waiting for Cut-over`);
    const by = await waitForCutOver(o);
    await report({ phase: 'cutting-over', detail: 'renaming the tables', by });
    await cutOver(session, table, newTable, oldTable, o.lockWaitTimeoutSeconds);
    await dropOscTriggers(session, { schema: table.schema, name: oldTable });
    if (!o.settings.keep_old_table) await session.withoutTimeout(() => session.query(`DROP TABLE IF EXISTS ${qualified({ schema: table.schema, name: oldTable })}`));
    await report({ phase: 'done', detail: `cut over${o.settings.keep_old_table ? `; the original table is kept as \`${oldTable}\`` : ''}`, by });
    return { cutOverBy: by, keptOldTable: o.settings.keep_old_table ? oldTable : null };
  } catch (err) {
    const cancelled = err instanceof CancelledError;
    await cleanUp(session, table, newTable).catch((e: unknown) => o.log(`cleanup after the online ALTER failed: ${serverError(e).message}; drop \`${newTable}\` and the pt_osc triggers on ${label} by hand`));
    await report({ phase: cancelled ? 'cancelled' : 'failed', detail: cancelled ? 'cancelled: the copy and its triggers were removed; the table is unchanged' : `failed: ${err instanceof Error ? err.message : String(err)}` });
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface CopyContext extends OnlineAlterOptions {
  pauseFile: string;
  state: OscState;
  report(change: Partial<OscState>): Promise<void>;
}

/** Run the tool to the end of its copy, following Slack's Pause/Resume; cancel kills it. */
async function copyWithTool(tool: string, args: string[], c: CopyContext): Promise<void> {
  const child = spawn(tool, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  let lastProgress = -1;
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
    const read = readOscLine(line);
    if (read.kind === 'progress') {
      if (read.percent === lastProgress) return;
      lastProgress = read.percent;
      const phase = c.state.phase === 'pausing' || c.state.phase === 'paused' ? c.state.phase : 'copying';
      void c.report({ phase, percent: read.percent, detail: `copying rows${read.remaining ? `, about ${read.remaining} left` : ''}` });
      void c.progress(read.percent / 100, `${c.state.table}: copying rows ${read.percent}%`);
      return;
    }
    if (read.kind === 'paused') {
      if (c.state.phase !== 'paused') void c.report({ phase: 'paused', detail: 'paused between two chunks; the triggers keep the copy in step' });
      return;
    }
    if (read.kind === 'copy-started') void c.report({ phase: 'copying', percent: 0, detail: `copying about ${read.rows?.toLocaleString('en-US') ?? '?'} rows` });
    if (read.kind === 'copied' || read.kind === 'done' || read.kind === 'copy-started' || read.kind === 'error') void c.log(`pt-online-schema-change: ${line.trim()}`);
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
        await c.report({ phase: 'resuming', detail: 'resuming: pt-online-schema-change looks at its pause file once a minute, so copying restarts within 60 s' });
        await unlink(c.pauseFile).catch(() => undefined);
        await c.log(`online ALTER of ${c.state.table}: resumed`);
      }
    } catch {
      // The control channel is best effort: a missed poll is retried on the next one.
    }
    await sleep(every, until);
  }
}

/** Wait for a DBA's Cut-over (or a cancel), keeping the session alive. */
async function waitForCutOver(o: OnlineAlterOptions): Promise<string> {
  const every = o.pollMs ?? 1000;
  let sinceKeepalive = 0;
  for (;;) {
    if (o.signal.aborted) throw new CancelledError('the online ALTER was cancelled before its cut-over');
    const wanted = await o.control.read().catch(() => null);
    if (wanted?.cutOver) return wanted.cutOver.by;
    sinceKeepalive += every;
    if (sinceKeepalive >= 60_000) {
      sinceKeepalive = 0;
      await o.session.query('SELECT 1');
    }
    await sleep(every, o.signal);
  }
}

/** Both renames in one statement, so the table is never missing; a metadata-lock wait is retried. */
async function cutOver(session: ExecutionSession, table: TableName, newTable: string, oldTable: string, lockWaitSeconds: number): Promise<void> {
  const fresh = { schema: table.schema, name: newTable };
  await session.query(`ANALYZE TABLE ${qualified(fresh)}`).catch(() => undefined);
  const rename = `RENAME TABLE ${qualified(table)} TO ${qualified({ schema: table.schema, name: oldTable })}, ${qualified(fresh)} TO ${qualified(table)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await session.withoutTimeout(() => session.query(rename));
      return;
    } catch (err) {
      if (serverError(err).errno !== 1205 || attempt >= 5) throw new Error(`the cut-over RENAME failed${attempt > 1 ? ` after ${attempt} tries` : ''} (lock_wait_timeout ${lockWaitSeconds} s): ${serverError(err).message}`);
    }
  }
}

async function oscTriggers(session: ExecutionSession, table: TableName): Promise<string[]> {
  const rows = await session.rows(
    "SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? AND TRIGGER_NAME LIKE 'pt\\_osc\\_%'",
    [table.schema, table.name],
  );
  return rows.map((r) => String(r.name));
}

async function dropOscTriggers(session: ExecutionSession, table: TableName): Promise<void> {
  for (const name of await oscTriggers(session, table)) {
    await session.withoutTimeout(() => session.query(`DROP TRIGGER IF EXISTS ${quoteIdent(table.schema)}.${quoteIdent(name)}`));
  }
}

/** Remove what an unfinished run left: the triggers first (writes would fail without their table), then the copy. */
async function cleanUp(session: ExecutionSession, table: TableName, newTable: string): Promise<void> {
  await dropOscTriggers(session, table);
  await session.withoutTimeout(() => session.query(`DROP TABLE IF EXISTS ${qualified({ schema: table.schema, name: newTable })}`));
}

async function tableExists(session: ExecutionSession, table: TableName): Promise<boolean> {
  const rows = await session.rows('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [table.schema, table.name]);
  return rows.length > 0;
}

function stopChild(child: ChildProcess): void {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  setTimeout(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  }, 10_000).unref();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
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
