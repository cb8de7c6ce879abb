import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import type { ExecutionSection } from '../config/schema.js';
import { copyWithTool, sleep } from './osc-copy.js';
import { oscDsn } from './osc-dsn.js';
import { oscTableNames, qualified, quoteIdent, shown, type TableName } from './names.js';
import type { Credentials, OnlineAlterOptions, OnlineAlterOutcome, OscState } from './osc-types.js';
import { CancelledError, serverError, type ExecutionSession } from './session.js';
import { messageOf } from '../kernel/errors.js';

export type {
  OscPhase,
  OscState,
  OscRequests,
  OscControl,
  Credentials,
  OnlineAlterOptions,
  OnlineAlterOutcome,
} from './osc-types.js';
export { oscTableNames } from './names.js';

/** The tool's path when it is installed (an absolute path, or a name found on PATH); else null. */
export function findTool(path: string, envPath = process.env.PATH ?? ''): string | null {
  if (isAbsolute(path)) return existsSync(path) ? path : null;
  for (const dir of envPath.split(delimiter)) {
    if (dir && existsSync(join(dir, path))) return join(dir, path);
  }
  return null;
}

/** A MySQL option file (`[client]`) with the connection, so no credential is a process argument. */
export function optionFile(c: Credentials): string {
  const value = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
  return `[client]\nhost=${value(c.host)}\nport=${c.port}\nuser=${value(c.user)}\npassword=${value(c.password)}\n`;
}

/** Flags dbops sets itself; `pt_osc.extra_args` may not override them. */
const OWN_FLAGS =
  /^--(?:no-)?(?:alter|execute|dry-run|swap-tables|drop-triggers|drop-new-table|drop-old-table|pause-file|new-table-name|password|user|host|port|socket|defaults-file|ask-pass|progress)\b|^-[pPuhSF]/;

export function oscArguments(o: {
  clause: string;
  settings: ExecutionSection['pt_osc'];
  pauseFile: string;
  optionFile: string;
  /** Where the tool connects: the cluster pool's own host and port, never anything a user typed. */
  server: Pick<Credentials, 'host' | 'port'>;
  table: TableName;
  newTable: string;
}): string[] {
  for (const arg of o.settings.extra_args) {
    if (OWN_FLAGS.test(arg))
      throw new Error(`execution.pt_osc.extra_args may not set ${arg.split('=')[0]}: dbops sets it itself`);
  }
  return [
    '--alter',
    o.clause,
    '--execute',
    '--no-swap-tables',
    '--no-drop-triggers',
    '--no-drop-new-table',
    '--no-drop-old-table',
    '--new-table-name',
    o.newTable,
    '--pause-file',
    o.pauseFile,
    '--progress',
    'percentage,1',
    '--chunk-time',
    String(o.settings.chunk_time),
    '--max-load',
    o.settings.max_load,
    '--critical-load',
    o.settings.critical_load,
    ...o.settings.extra_args,
    oscDsn({ table: o.table, optionFile: o.optionFile, host: o.server.host, port: o.server.port }),
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
      throw new Error(
        `\`${table.schema}.${name}\` already exists (left by an earlier online ALTER?): drop it or rename it, then run the ticket again`,
      );
    }
  }
  const dir = await mkdtemp(join(await o.workDir(), 'osc-'));
  const pauseFile = join(dir, 'pause');
  const defaults = join(dir, 'client.cnf');
  const state: OscState = {
    phase: 'starting',
    table: label,
    percent: null,
    detail: 'pt-online-schema-change is creating the altered copy',
  };
  const report = async (change: Partial<OscState>) => {
    Object.assign(state, change);
    await control.report({ ...state }).catch(() => undefined);
  };
  try {
    await writeFile(defaults, optionFile(o.credentials), { mode: 0o600, flag: 'wx' });
    const args = oscArguments({
      clause: o.clause,
      settings: o.settings,
      pauseFile,
      optionFile: defaults,
      server: o.credentials,
      table,
      newTable,
    });
    await report({});
    await copyWithTool(tool, args, { ...o, pauseFile, report, state });
    if (!(await tableExists(session, { schema: table.schema, name: newTable })))
      throw new Error(`pt-online-schema-change finished but \`${newTable}\` is not there`);
    await report({
      phase: 'ready',
      percent: 100,
      detail: `the altered copy \`${newTable}\` is complete and kept in step by triggers; press Cut-over to swap it in`,
    });
    await o.progress(1, `${label}: copy complete, waiting for a DBA's cut-over`);
    await o.log(`online ALTER of ${label}: copy complete; waiting for Cut-over`);
    const by = await waitForCutOver(o);
    await report({ phase: 'cutting-over', detail: 'renaming the tables', by });
    await cutOver(session, table, newTable, oldTable, o.lockWaitTimeoutSeconds);
    // The table is the altered one now: what is left must be done even if a cancel comes meanwhile.
    await onSessionBeside(session, async (side) => {
      await dropOscTriggers(side, { schema: table.schema, name: oldTable });
      if (!o.settings.keep_old_table)
        await side.withoutTimeout(() =>
          side.query(`DROP TABLE IF EXISTS ${qualified({ schema: table.schema, name: oldTable })}`),
        );
    });
    await report({
      phase: 'done',
      detail: `cut over${o.settings.keep_old_table ? `; the original table is kept as \`${oldTable}\`` : ''}`,
      by,
    });
    return { cutOverBy: by, keptOldTable: o.settings.keep_old_table ? oldTable : null };
  } catch (err) {
    const cancelled = err instanceof CancelledError;
    // On a session of its own: the cancel's KILL QUERY may reach the server at any moment and must not stop this.
    const cleanupError = await onSessionBeside(session, (side) => cleanUp(side, table, newTable)).then(
      () => null,
      (e: unknown) => serverError(e).message,
    );
    if (cleanupError) {
      const left = `\`${newTable}\` and the pt_osc triggers on ${label} may be left: drop the triggers, then the table, by hand`;
      await o.log(`cleanup after the online ALTER failed: ${cleanupError}; ${left}`);
      await report({
        phase: cancelled ? 'cancelled' : 'failed',
        detail: `${cancelled ? 'cancelled' : `failed: ${messageOf(err)}`}, and removing the copy failed (${cleanupError}): ${left}`,
      });
      throw new Error(
        `${messageOf(err)}; then removing what pt-online-schema-change made failed (${cleanupError}): ${left}`,
      );
    }
    await report({
      phase: cancelled ? 'cancelled' : 'failed',
      detail: cancelled
        ? 'cancelled: the copy and its triggers were removed; the table is unchanged'
        : `failed: ${messageOf(err)}`,
    });
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Run `work` on a second session that `session`'s cancel does not reach, and close it. */
async function onSessionBeside<T>(session: ExecutionSession, work: (side: ExecutionSession) => Promise<T>): Promise<T> {
  const side = await session.beside();
  try {
    return await work(side);
  } finally {
    await side.close();
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
async function cutOver(
  session: ExecutionSession,
  table: TableName,
  newTable: string,
  oldTable: string,
  lockWaitSeconds: number,
): Promise<void> {
  const fresh = { schema: table.schema, name: newTable };
  await session.query(`ANALYZE TABLE ${qualified(fresh)}`).catch(() => undefined);
  const rename = `RENAME TABLE ${qualified(table)} TO ${qualified({ schema: table.schema, name: oldTable })}, ${qualified(fresh)} TO ${qualified(table)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await session.withoutTimeout(() => session.query(rename));
      return;
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      if (serverError(err).errno !== 1205 || attempt >= 5)
        throw new Error(
          `the cut-over RENAME failed${attempt > 1 ? ` after ${attempt} tries` : ''} (lock_wait_timeout ${lockWaitSeconds} s): ${serverError(err).message}`,
        );
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
    await session.withoutTimeout(() =>
      session.query(`DROP TRIGGER IF EXISTS ${quoteIdent(table.schema)}.${quoteIdent(name)}`),
    );
  }
}

/** Remove what an unfinished run left: the triggers first (writes would fail without their table), then the copy. */
async function cleanUp(session: ExecutionSession, table: TableName, newTable: string): Promise<void> {
  await dropOscTriggers(session, table);
  await session.withoutTimeout(() =>
    session.query(`DROP TABLE IF EXISTS ${qualified({ schema: table.schema, name: newTable })}`),
  );
}

async function tableExists(session: ExecutionSession, table: TableName): Promise<boolean> {
  const rows = await session.rows('SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [
    table.schema,
    table.name,
  ]);
  return rows.length > 0;
}
