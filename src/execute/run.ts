import { performance } from 'node:perf_hooks';
import { executableStatements, type ExecStatement } from './analyze.js';
import type { StatementResult, RunOutcome, RunReport, RunRequest, RunDeps } from './run-types.js';
import { EstimateExceededError, ExpectedRowsError, type RowAllowance } from './backup.js';
import {
  ensureBackupSchema,
  markRolledBack,
  readLegacyLog,
  readLog,
  statementHash,
  type LogEntry,
} from './execution-log.js';
import { CancelledError, ExecutionSession, serverError } from './session.js';
import {
  interruptedStatement,
  RefusedError,
  runStatement,
  type StatementOutcome,
  type StatementRun,
} from './statement.js';

export type {
  StatementStatus,
  StatementResult,
  RunOutcome,
  RunReport,
  RunRequest,
  RunEvents,
  OnlineAlterDeps,
  RunDeps,
} from './run-types.js';

/**
 * Statements that may run again after an interruption: DML commits with its log entry (a rerun finds
 * it), the rest change nothing. DDL, CALL and GRANT may have taken effect without a log entry.
 */
const RERUNNABLE: ReadonlySet<string> = new Set([
  'update',
  'delete',
  'insert',
  'replace',
  'select',
  'show',
  'explain',
  'use',
  'set',
]);

/** Statement kinds dbops refuses to run: they would break its transaction handling or read the worker's files. */
const REFUSED: Partial<Record<string, string>> = {
  transaction:
    'dbops runs each statement in its own transaction; remove BEGIN/COMMIT/ROLLBACK/SAVEPOINT from the ticket',
  'load-data': 'LOAD DATA reads files on the server or the worker, which dbops does not do; load the data another way',
};

/**
 * Run a ticket's statements in order on the cluster's primary, in one dedicated session, stopping
 * at the first error: each result says what happened (rows, backup, warnings, time), and the
 * statements after a failure are reported as not run. Statements the execution log already holds
 * (a retry, a redelivered job) are skipped, not run twice.
 */
export async function runStatements(request: RunRequest, deps: RunDeps): Promise<RunReport> {
  const statements = executableStatements(request.sql, deps.shards, request.shard);
  const results = statements.map(notRun);
  const refusal = preflight(statements);
  if (refusal) return { outcome: 'failed', results, failure: refusal };
  if (deps.signal.aborted) return { outcome: 'cancelled', results, failure: 'cancelled before the first statement' };

  const session = await ExecutionSession.open(deps.pool, {
    settings: deps.settings,
    schema: request.schema,
    signal: deps.signal,
    logger: deps.logger,
  });
  try {
    let entries: LogEntry[];
    let legacy: Map<number, string>;
    try {
      await ensureBackupSchema(session);
      entries = await readLog(session, request.installation, request.ticketId);
      legacy = await readLegacyLog(session, request.ticketId);
    } catch (err) {
      const why = serverError(err).message;
      return stop(
        results,
        'failed',
        `could not prepare the backup schema \`${session.backupSchema}\` on the primary (${why}); the cluster's user needs CREATE, INSERT, SELECT, UPDATE and DROP on \`${session.backupSchema}\`.*. Nothing was run`,
      );
    }
    const logged = new Map(entries.map((e) => [e.statement, e]));
    const ours = new Set(statements.map((s) => s.logNumber));
    const allowance: RowAllowance = {
      estimate: request.estimate,
      limit: limitFor(request.estimate, deps.settings.estimate_tolerance),
      // The estimate is the whole ticket's: rows its other shards already changed count against it.
      used: entries.filter((e) => !ours.has(e.statement)).reduce((n, e) => n + (e.rowsSaved ?? e.rowsAffected), 0),
    };
    let schema = request.schema;
    for (const [i, stmt] of statements.entries()) {
      const done = logged.get(stmt.logNumber);
      const refusal = done ? loggedMismatch(stmt, done, request) : legacyMatch(stmt, legacy, request);
      if (refusal) {
        results[i] = { ...results[i], status: 'failed', error: refusal };
        await deps.events?.finished?.(results[i], statements.length);
        return stop(results, 'failed', `statement ${stmt.number} was not run: ${refusal}`);
      }
      if (done) {
        results[i] = alreadyDone(stmt, done);
        allowance.used += done.rowsSaved ?? done.rowsAffected;
        await deps.events?.finished?.(results[i], statements.length);
        continue;
      }
      if (session.cancelled) return stop(results, 'cancelled', 'cancelled before this statement');
      await deps.events?.started?.(stmt, statements.length);
      const started = performance.now();
      const run: StatementRun = { stmt, request, schema, allowance, session, deps };
      try {
        // A journaled step may run again after a transient error: the log says whether it committed meanwhile.
        const once = async () => {
          const committed = (await readLog(session, request.installation, request.ticketId)).find(
            (e) => e.statement === stmt.logNumber,
          );
          const mismatch = committed && loggedMismatch(stmt, committed, request);
          if (mismatch) throw new RefusedError(mismatch);
          return committed ? outcomeFromLog(committed) : runStatement(run);
        };
        const step = {
          idempotent: RERUNNABLE.has(stmt.kind),
          fingerprint: statementHash(stmt.text),
          interrupted: () => interruptedStatement(run),
        };
        const outcome = deps.step ? await deps.step(`statement-${stmt.number}`, step, once) : await runStatement(run);
        if (outcome.schema !== undefined) schema = outcome.schema;
        allowance.used += outcome.counted;
        results[i] = {
          ...results[i],
          status: 'done',
          ...outcome.result,
          durationMs: Math.round(performance.now() - started),
        };
        await deps.events?.finished?.(results[i], statements.length);
      } catch (err) {
        const cancelled = err instanceof CancelledError;
        const message = describeFailure(err);
        results[i] = {
          ...results[i],
          status: cancelled ? 'cancelled' : 'failed',
          error: message,
          durationMs: Math.round(performance.now() - started),
        };
        if (!cancelled && !(err instanceof EstimateExceededError) && !(err instanceof ExpectedRowsError))
          deps.logger?.warn('a ticket statement failed', {
            ticket: request.ticketId,
            statement: stmt.number,
            error: message,
          });
        await deps.events?.finished?.(results[i], statements.length);
        return stop(
          results,
          cancelled ? 'cancelled' : 'failed',
          `statement ${stmt.number} ${cancelled ? 'was cancelled' : 'failed'}: ${message}`,
        );
      }
    }
    if (request.purpose === 'rollback' && request.rollbackOf)
      await markRolledBack(session, request.installation, request.rollbackOf, request.ticketId);
    return { outcome: 'succeeded', results, failure: null };
  } finally {
    await session.close();
  }
}

/** Refusals that need no server: found before anything runs, so nothing is half done. */
function preflight(statements: readonly ExecStatement[]): string | null {
  if (statements.length === 0) return 'the ticket has no SQL statement to run';
  for (const stmt of statements) {
    const refused = REFUSED[stmt.kind];
    if (refused) return `statement ${stmt.number} (${firstWords(stmt.stripped)}): ${refused}. Nothing was run.`;
    if (/^LOCK\s+TABLES?\b|^UNLOCK\s+TABLES?\b/i.test(stmt.stripped))
      return `statement ${stmt.number}: dbops does not run LOCK/UNLOCK TABLES; its transactions lock the rows they change. Nothing was run.`;
    if (stmt.sharded)
      return `statement ${stmt.number} names the sharded table ${stmt.sharded}, which this run does not expand to its shards (a rollback or a run without \`review.shards\`); name the physical tables. Nothing was run.`;
  }
  return null;
}

/** Rows the ticket may change in total: the estimate plus the tolerance, rounded down (never below the estimate). */
export function limitFor(estimate: number | null, tolerance: number): number | null {
  if (estimate === null) return null;
  return Math.max(estimate, Math.floor(estimate * (1 + tolerance)));
}

function stop(results: StatementResult[], outcome: RunOutcome, failure: string): RunReport {
  return { outcome, results, failure };
}

function notRun(stmt: ExecStatement): StatementResult {
  return {
    number: stmt.number,
    summary: firstWords(stmt.stripped),
    kind: stmt.kind,
    status: 'not-run',
    affectedRows: null,
    savedRows: null,
    backupTable: null,
    warningCount: 0,
    warnings: [],
    durationMs: null,
    note: null,
    error: null,
  };
}

/**
 * The log holds this statement number of the ticket, but for other text (the ticket's SQL is not
 * what ran then): it is neither done nor safe to run, so the ticket stops and says so.
 */
function loggedMismatch(stmt: ExecStatement, entry: LogEntry, request: RunRequest): string | null {
  if (entry.statementHash === statementHash(stmt.text)) return null;
  return (
    `the execution log in the backup schema records statement ${stmt.number} of T-${request.ticketId} (attempt ${entry.attempt}) with other text ` +
    `(\`${firstWords(entry.statementText.replace(/\s+/g, ' '), 60)}\`), so dbops neither takes it as done nor runs it again. ` +
    'Compare the target with the ticket by hand and open a new ticket for what is left'
  );
}

/**
 * The log of dbops before installation ids holds this ticket number's statement word for word: it
 * may be this ticket's own run from before the upgrade (a retry must not repeat it) or another
 * installation's, which dbops cannot tell apart, so it refuses rather than guess.
 */
function legacyMatch(stmt: ExecStatement, legacy: ReadonlyMap<number, string>, request: RunRequest): string | null {
  if (legacy.get(stmt.logNumber) !== stmt.text) return null;
  return (
    `the execution log of dbops before installation ids (\`executions\` in the backup schema) records statement ${stmt.number} of a T-${request.ticketId} with this very text. ` +
    'It may have run already, and that log cannot say which installation ran it; check the target by hand and open a new ticket for what is left'
  );
}

function outcomeFromLog(entry: LogEntry): StatementOutcome {
  return {
    result: { affectedRows: entry.rowsAffected, savedRows: entry.rowsSaved, backupTable: entry.backupTable },
    counted: entry.rowsSaved ?? entry.rowsAffected,
  };
}

function alreadyDone(stmt: ExecStatement, entry: LogEntry): StatementResult {
  return {
    ...notRun(stmt),
    status: 'already-done',
    affectedRows: entry.rowsAffected,
    savedRows: entry.rowsSaved,
    backupTable: entry.backupTable,
    note: `already ran in attempt ${entry.attempt}; not run again`,
  };
}

/** `UPDATE orders SET status = 2 WHERE …` cut to a readable length. */
export function firstWords(stripped: string, max = 80): string {
  return stripped.length > max ? `${stripped.slice(0, max - 1)}…` : stripped;
}

function describeFailure(err: unknown): string {
  if (err instanceof CancelledError || err instanceof EstimateExceededError) return err.message;
  const e = serverError(err);
  return e.errno ? `${e.message} (MySQL error ${e.errno})` : e.message;
}
