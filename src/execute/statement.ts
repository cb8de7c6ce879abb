import type { ExecStatement } from './analyze.js';
import { dmlShape, insertShape, type NotExact } from './analyze.js';
import { alterLadder, alterShape, runAlterLadder, type AlterShape } from './alter.js';
import {
  backupKey,
  runBackedUp,
  runRecordedInsert,
  runUnbacked,
  type ChangeOutcome,
  type RowAllowance,
} from './backup.js';
import { writeLogEntry } from './execution-log.js';
import { backupTableName, shown, type TableName } from './names.js';
import { runOnlineAlter } from './online-alter.js';
import { toolNameProblem } from './osc-dsn.js';
import { describeOscLeftovers, findOscLeftovers } from './osc-leftovers.js';
import type { RunDeps, RunRequest, StatementResult } from './run-types.js';
import { supportsInsertReturning } from './server.js';
import type { ExecutionSession } from './session.js';
import { readAlterFacts, readTableInfo, type TableInfo } from './table-info.js';
import { plainMention } from '../text/mrkdwn.js';

export interface StatementRun {
  stmt: ExecStatement;
  request: RunRequest;
  /** Default schema now (a USE earlier in the ticket changes it). */
  schema: string | null;
  allowance: RowAllowance;
  session: ExecutionSession;
  deps: RunDeps;
}

export interface StatementOutcome {
  result: Partial<
    Pick<StatementResult, 'affectedRows' | 'savedRows' | 'backupTable' | 'warningCount' | 'warnings' | 'note'>
  >;
  /** Rows counted against the approved estimate. */
  counted: number;
  /** The default schema after a USE. */
  schema?: string | null;
}

/** A statement that may not run as asked: stops the ticket with this message. */
export class RefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedError';
  }
}

/**
 * A worker died inside this statement, and it may not run again: say what it left. An ALTER that
 * went through pt-online-schema-change leaves the tool's triggers and copy on the table (writes
 * are doubled into the copy meanwhile): they are reported to the thread, where DBAs can clean
 * them up, and named in the ticket's failure.
 */
export async function interruptedStatement(run: StatementRun): Promise<string | null> {
  if (run.stmt.kind !== 'alter-table') return null;
  const shape = alterShape(run.stmt.stripped, run.schema);
  if ('exact' in shape) return null;
  const left = await findOscLeftovers(run.session, shape.table);
  if (!left) return null;
  const control = run.deps.online?.control;
  await control?.report({
    phase: 'failed',
    table: shown(shape.table),
    percent: null,
    detail: 'interrupted: the worker running it stopped; what it left on the table is said below',
  });
  await control?.leftovers(left);
  return `${describeOscLeftovers(left)} A DBA can remove it with *Clean up* in the thread (triggers first, then the copy).`;
}

/** Run one statement the way its kind calls for. */
export async function runStatement(run: StatementRun): Promise<StatementOutcome> {
  const { stmt } = run;
  switch (stmt.kind) {
    case 'update':
    case 'delete':
      return runUpdateOrDelete(run, stmt.kind);
    case 'insert':
      return runInsert(run);
    case 'replace':
    case 'call':
      return runWithoutBackup(
        run,
        stmt.kind === 'replace'
          ? 'REPLACE deletes the rows it replaces without saving them'
          : 'a procedure may change any rows, which cannot be saved before it runs',
        'other',
        null,
      );
    case 'alter-table':
      return runAlter(run);
    case 'select':
    case 'show':
    case 'explain': {
      const rows = await run.session.countRows(stmt.text);
      return {
        result: { note: `returned ${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'} (not kept)` },
        counted: 0,
      };
    }
    case 'use': {
      await run.session.query(stmt.text);
      const [row] = await run.session.rows('SELECT DATABASE() AS db');
      const db = typeof row?.db === 'string' ? row.db : null;
      return { result: { note: `default schema is now ${db ?? 'none'}` }, counted: 0, schema: db };
    }
    case 'set':
      await run.session.query(stmt.text);
      return { result: {}, counted: 0 };
    default:
      return runDdl(run);
  }
}

function rows(n: number): string {
  return `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;
}

function statementContext(run: StatementRun) {
  const expected = run.request.expectedRows?.[run.stmt.number];
  return {
    installation: run.request.installation,
    ticketId: run.request.ticketId,
    attempt: run.request.attempt,
    statement: run.stmt.logNumber,
    text: run.stmt.text,
    allowance: run.allowance,
    ...(expected !== undefined ? { expected } : {}),
  };
}

function fromChange(change: ChangeOutcome, note: string | null): StatementOutcome {
  return {
    result: {
      affectedRows: change.affected,
      savedRows: change.saved,
      backupTable: change.backupTable,
      warningCount: change.warningCount,
      warnings: change.warnings,
      note,
    },
    counted: change.counted,
  };
}

/** Why a table's rows cannot be saved and restored exactly, or null when they can. */
function tableProblem(info: TableInfo): string | null {
  if ((info.engine ?? '').toLowerCase() !== 'innodb')
    return `\`${shown(info)}\` uses ${info.engine ?? 'an unknown engine'}, not InnoDB, so the backup and the change cannot be one transaction`;
  if (info.rowKeys.length === 0)
    return `\`${shown(info)}\` has no primary key or NOT NULL unique key to find its rows again by`;
  return null;
}

async function runUpdateOrDelete(run: StatementRun, verb: 'update' | 'delete'): Promise<StatementOutcome> {
  const shape = dmlShape(run.stmt.stripped, run.schema);
  if ('exact' in shape) return runWithoutBackup(run, shape.reason, verb, null);
  const info = await readTableInfo(run.session, shape.table);
  // No such table: let the server say so (the statement fails; there is nothing to back up).
  if (!info) return fromChange(await runUnbacked(run.session, verb, shape.table, statementContext(run)), null);
  const problem = tableProblem(info);
  if (problem) return runWithoutBackup(run, problem, verb, shape.table);
  const key = backupKey(info, shape.verb === 'update' ? shape.setColumns : null);
  if (!key)
    return runWithoutBackup(
      run,
      `the UPDATE changes every unique key of \`${shown(info)}\`, so the changed rows could not be found again to restore them`,
      verb,
      shape.table,
    );
  const backupTable = backupTableName(
    run.request.installation,
    run.request.ticketId,
    run.stmt.logNumber,
    shape.table.name,
  );
  const change = await runBackedUp(run.session, { shape, info, key, backupTable }, statementContext(run));
  return fromChange(
    change,
    `before-images of ${rows(change.saved ?? 0)} in ${run.session.backupSchema}.${backupTable}`,
  );
}

async function runInsert(run: StatementRun): Promise<StatementOutcome> {
  const shape = insertShape(run.stmt.stripped, run.schema);
  if ('exact' in shape) return runWithoutBackup(run, shape.reason, 'insert', null);
  const info = await readTableInfo(run.session, shape.table);
  const problem = info ? tableProblem(info) : `\`${shown(shape.table)}\` was not found`;
  const key = info?.rowKeys[0];
  const method = info && key ? keyMethod(run, shape, info, key.columns) : null;
  if (!info || !key || problem || !method) {
    // An INSERT destroys nothing: it runs, but a rollback will not be able to remove its rows.
    const why = problem ?? 'the keys it creates cannot be learnt on this server';
    const change = await runUnbacked(run.session, 'insert', shape.table, statementContext(run));
    return fromChange(change, `keys not recorded (${why}): a rollback cannot remove these rows`);
  }
  const backupTable = backupTableName(
    run.request.installation,
    run.request.ticketId,
    run.stmt.logNumber,
    shape.table.name,
  );
  const change = await runRecordedInsert(
    run.session,
    { shape, info, key, backupTable, method: method.kind },
    statementContext(run),
  );
  return fromChange(
    change,
    `keys of the ${change.affected === 1 ? 'new row' : `${change.affected.toLocaleString('en-US')} new rows`} in ${run.session.backupSchema}.${backupTable}`,
  );
}

/** MariaDB: RETURNING. Elsewhere: an AUTO_INCREMENT key the INSERT leaves to the server, from LAST_INSERT_ID(). */
function keyMethod(
  run: StatementRun,
  shape: Exclude<ReturnType<typeof insertShape>, NotExact>,
  info: TableInfo,
  key: string[],
): { kind: 'returning' | 'auto-increment' } | null {
  if (shape.returning) return null;
  if (supportsInsertReturning(run.session.server)) return { kind: 'returning' };
  const column = key.length === 1 ? info.columns.find((c) => c.name.toLowerCase() === key[0].toLowerCase()) : undefined;
  if (!column?.autoIncrement || shape.ignore || shape.fromSelect || shape.columns === null) return null;
  if (shape.columns.some((c) => c.toLowerCase() === column.name.toLowerCase())) return null;
  return { kind: 'auto-increment' };
}

/** A change that cannot be backed up: runs only with a DBA's approval (or as dbops' own rollback). */
async function runWithoutBackup(
  run: StatementRun,
  reason: string,
  verb: 'update' | 'delete' | 'insert' | 'other',
  table: TableName | null,
): Promise<StatementOutcome> {
  const approval =
    run.request.purpose === 'rollback' ? 'it restores before-images dbops saved' : run.request.unbackedApproval;
  if (!approval) {
    throw new RefusedError(
      `it cannot be backed up exactly (${reason}), and such a change runs only when a DBA approved the ticket (the review warns about it: builtin.prior-backup-check). ` +
        'Change one table per statement by its primary key, or ask on an environment whose changes DBAs approve.',
    );
  }
  const change = await runUnbacked(run.session, verb, table, statementContext(run));
  return fromChange(
    change,
    run.request.purpose === 'rollback' ? null : `no backup (${reason}); ran because ${approval}`,
  );
}

/** CREATE, DROP, RENAME, TRUNCATE, GRANT…: as written, without a statement time limit, then logged. */
async function runDdl(run: StatementRun): Promise<StatementOutcome> {
  const header = await run.session.withoutTimeout(() => run.session.query(run.stmt.text));
  const warningCount = header.warningStatus ?? 0;
  const warnings = warningCount > 0 ? await run.session.warnings() : [];
  await logDdl(run, 'ddl', null, header.affectedRows ?? 0);
  return { result: { affectedRows: header.affectedRows ?? 0, warningCount, warnings }, counted: 0 };
}

async function logDdl(
  run: StatementRun,
  verb: 'ddl' | 'alter',
  table: TableName | null,
  affected: number,
): Promise<void> {
  await writeLogEntry(run.session, {
    installation: run.request.installation,
    ticketId: run.request.ticketId,
    statement: run.stmt.logNumber,
    attempt: run.request.attempt,
    verb,
    table,
    statementText: run.stmt.text,
    backupTable: null,
    backupKind: null,
    keyColumns: [],
    restoreColumns: [],
    backupColumns: [],
    rowsSaved: null,
    rowsAffected: affected,
  });
}

/**
 * ALTER TABLE: as written when it names its ALGORITHM/LOCK; else INSTANT if the server can; a table
 * below `online_alter_min_bytes` then tries NOCOPY/INPLACE without locks and falls back to COPY
 * (saying so); a larger one goes through pt-online-schema-change, or is refused without it.
 */
async function runAlter(run: StatementRun): Promise<StatementOutcome> {
  const { session, deps } = run;
  const shape = alterShape(run.stmt.stripped, run.schema);
  if ('exact' in shape || shape.explicitAlgorithm || shape.modifiers)
    return runDdlAs(run, 'alter', 'exact' in shape ? null : shape.table, 'as written');
  const info = await readTableInfo(session, shape.table);
  if (!info) return runDdlAs(run, 'alter', shape.table, 'as written');
  const large = info.bytes >= deps.settings.online_alter_min_bytes;
  const ladder = alterLadder(session.server.flavor);
  const attempt = await runAlterLadder(session, run.stmt.text, large ? ladder.slice(0, 1) : ladder);
  if ('way' in attempt) {
    await logDdl(run, 'alter', shape.table, 0);
    const refused = attempt.refused.length > 0 ? ` (${attempt.refused.join('; ')})` : '';
    const note = attempt.blockedWrites
      ? `ran with ${attempt.way}: writes to ${shown(shape.table)} waited while it ran, because no online way was possible${refused}`
      : `ran with ${attempt.way}${refused}`;
    return { result: { note, warningCount: attempt.warningCount, warnings: attempt.warnings }, counted: 0 };
  }
  return runLargeAlter(run, shape, info, attempt.refused);
}

async function runDdlAs(
  run: StatementRun,
  verb: 'alter',
  table: TableName | null,
  note: string,
): Promise<StatementOutcome> {
  const header = await run.session.withoutTimeout(() => run.session.query(run.stmt.text));
  const warningCount = header.warningStatus ?? 0;
  await logDdl(run, verb, table, header.affectedRows ?? 0);
  return { result: { note, warningCount, warnings: warningCount > 0 ? await run.session.warnings() : [] }, counted: 0 };
}

async function runLargeAlter(
  run: StatementRun,
  shape: AlterShape,
  info: TableInfo,
  refused: string[],
): Promise<StatementOutcome> {
  const { deps, request } = run;
  const size = `${(info.bytes / 1024 ** 2).toFixed(0)} MiB`;
  const online = deps.online;
  if (!online?.tool) {
    if (!request.largeAlterOverride) {
      throw new RefusedError(
        `\`${shown(shape.table)}\` holds about ${size} (at least execution.online_alter_min_bytes), ALGORITHM=INSTANT is not possible for this change, ` +
          'and pt-online-schema-change is not installed on the worker (Debian package percona-toolkit). Install it, or a DBA may grant this ticket an exception to run the ALTER in place.',
      );
    }
    const ladder = alterLadder(run.session.server.flavor).slice(1);
    const attempt = await runAlterLadder(run.session, run.stmt.text, ladder);
    if (!('way' in attempt))
      throw new RefusedError(`the server refused every way to run it: ${attempt.refused.join('; ')}`);
    await logDdl(run, 'alter', shape.table, 0);
    return {
      result: {
        note: `ran in place with ${attempt.way} on a ${size} table by a DBA's exception (pt-online-schema-change is not installed)`,
        warningCount: attempt.warningCount,
        warnings: attempt.warnings,
      },
      counted: 0,
    };
  }
  const unsafeName = toolNameProblem(shape.table);
  if (unsafeName) throw new RefusedError(unsafeName);
  const facts = await readAlterFacts(run.session, shape.table);
  if (facts.triggers.length > 0)
    throw new RefusedError(
      `\`${shown(info)}\` has triggers (${facts.triggers.join(', ')}), which pt-online-schema-change cannot run alongside its own here; drop them for the change or ask a DBA`,
    );
  if (facts.referencedBy > 0)
    throw new RefusedError(
      `other tables have foreign keys to \`${shown(info)}\`, which dbops' cut-over would leave pointing at the old table; ask a DBA to run this one by hand`,
    );
  await deps.events?.log?.(
    `online ALTER of ${shown(shape.table)} (${size}): ${refused.join('; ') || 'not instant'}; running pt-online-schema-change`,
  );
  const outcome = await runOnlineAlter(online.tool, {
    settings: deps.settings.pt_osc,
    lockWaitTimeoutSeconds: deps.settings.lock_wait_timeout_seconds,
    credentials: online.credentials(),
    table: shape.table,
    clause: shape.clause,
    session: run.session,
    control: online.control,
    signal: deps.signal,
    progress: (fraction, message) => deps.events?.progress?.(fraction, message) ?? Promise.resolve(),
    log: (line) => deps.events?.log?.(line) ?? Promise.resolve(),
    pollMs: online.pollMs,
    workDir: online.workDir,
  });
  await logDdl(run, 'alter', shape.table, 0);
  const kept = outcome.keptOldTable ? `; the original table is kept as ${outcome.keptOldTable}` : '';
  return {
    result: { note: `ran online with pt-online-schema-change; cut over by ${plainMention(outcome.cutOverBy)}${kept}` },
    counted: 0,
  };
}
