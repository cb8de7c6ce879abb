import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { InstallationId } from '../db/installation.js';
import type { DmlShape, InsertShape } from './analyze.js';
import { writeLogEntry, type LogEntry } from './execution-log.js';
import { qualified, quoteIdent, shown, type TableName } from './names.js';
import type { ExecutionSession } from './session.js';
import { storedColumns, type ColumnInfo, type KeyInfo, type TableInfo } from './table-info.js';

/** Rows a change may still touch before the ticket's approved estimate (with tolerance) is exceeded. */
export interface RowAllowance {
  /** Rows allowed in total for the ticket; null = no estimate, no limit. */
  limit: number | null;
  /** Rows earlier statements of the ticket already changed. */
  used: number;
  estimate: number | null;
}

/** The change would exceed the approved estimate: it was rolled back. */
export class EstimateExceededError extends Error {
  constructor(
    readonly rows: number,
    readonly allowance: RowAllowance,
  ) {
    super(
      `it would change ${rows.toLocaleString('en-US')} rows${allowance.used > 0 ? ` (${(allowance.used + rows).toLocaleString('en-US')} with what the ticket changed before it)` : ''}, ` +
        `more than the approved estimate of ${(allowance.estimate ?? 0).toLocaleString('en-US')} allows (at most ${(allowance.limit ?? 0).toLocaleString('en-US')} with the tolerance): rolled back, nothing changed`,
    );
    this.name = 'EstimateExceededError';
  }
}

/** The statement changed a different number of rows than were backed up: rolled back. */
export class BackupMismatchError extends Error {
  constructor(
    readonly affected: number,
    readonly saved: number,
  ) {
    super(
      `it changed ${affected.toLocaleString('en-US')} rows but ${saved.toLocaleString('en-US')} were backed up, so the backup would not be exact: rolled back, nothing changed`,
    );
    this.name = 'BackupMismatchError';
  }
}

export interface ChangeOutcome {
  affected: number;
  /** Rows counted against the estimate. */
  counted: number;
  saved: number | null;
  backupTable: string | null;
  warnings: string[];
  warningCount: number;
}

export interface StatementContext {
  installation: InstallationId;
  ticketId: number;
  attempt: number;
  statement: number;
  text: string;
  allowance: RowAllowance;
  /** Rows the statement must change exactly (a rollback's restore); anything else rolls it back. */
  expected?: number;
}

/** A rollback's restore changed a different number of rows than it saved: the data moved on since. */
export class ExpectedRowsError extends Error {
  constructor(
    readonly affected: number,
    readonly expected: number,
  ) {
    super(
      `it changed ${affected.toLocaleString('en-US')} rows where ${expected.toLocaleString('en-US')} were saved: the table changed since (rows deleted, re-inserted or changed again), ` +
        'so this restore was rolled back; restore rows selectively from the rollback SQL file instead',
    );
    this.name = 'ExpectedRowsError';
  }
}

function checkExpected(affected: number, ctx: StatementContext): void {
  if (ctx.expected !== undefined && affected !== ctx.expected) throw new ExpectedRowsError(affected, ctx.expected);
}

/** The key a backup finds rows again by: the first row key the statement does not change. */
export function backupKey(info: TableInfo, changed: readonly string[] | null): KeyInfo | null {
  if (changed === null) return info.rowKeys[0] ?? null;
  const touched = new Set(changed.map((c) => c.toLowerCase()));
  return info.rowKeys.find((k) => k.columns.every((c) => !touched.has(c.toLowerCase()))) ?? null;
}

/** Columns an UPDATE's rollback writes back: the ones it assigns, plus those ON UPDATE changes by itself. */
export function restoreColumns(info: TableInfo, assigned: readonly string[] | null, key: KeyInfo): string[] {
  const keyCols = new Set(key.columns.map((c) => c.toLowerCase()));
  const wanted = assigned === null ? null : new Set(assigned.map((c) => c.toLowerCase()));
  return storedColumns(info)
    .filter(
      (c) => !keyCols.has(c.name.toLowerCase()) && (wanted === null || wanted.has(c.name.toLowerCase()) || c.onUpdate),
    )
    .map((c) => c.name);
}

/** CREATE TABLE for a backup: the columns as declared (no defaults, no generation), keyed by `key`. */
export function backupTableDdl(
  schema: string,
  name: string,
  columns: readonly ColumnInfo[],
  key: KeyInfo,
  comment: string,
): string {
  const keyCols = new Set(key.columns.map((c) => c.toLowerCase()));
  const defs = columns.map((c) => {
    const charset = c.charset && c.collation ? ` CHARACTER SET ${c.charset} COLLATE ${c.collation}` : '';
    const nullity = keyCols.has(c.name.toLowerCase()) ? ' NOT NULL' : ' NULL DEFAULT NULL';
    return `  ${quoteIdent(c.name)} ${c.columnType}${charset}${nullity}`;
  });
  defs.push(`  PRIMARY KEY (${key.columns.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE ${quoteIdent(schema)}.${quoteIdent(name)} (\n${defs.join(',\n')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT=${commentLiteral(comment)}`;
}

function commentLiteral(text: string): string {
  return `'${text.slice(0, 1000).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Create (or re-create, after a crash left an uncommitted one) the backup table; outside any transaction. */
async function createBackupTable(session: ExecutionSession, name: string, ddl: string): Promise<void> {
  await session.query(`DROP TABLE IF EXISTS ${quoteIdent(session.backupSchema)}.${quoteIdent(name)}`);
  await session.query(ddl);
}

async function dropBackupTable(session: ExecutionSession, name: string): Promise<void> {
  await session
    .query(`DROP TABLE IF EXISTS ${quoteIdent(session.backupSchema)}.${quoteIdent(name)}`)
    .catch(() => undefined);
}

function checkAllowance(rows: number, allowance: RowAllowance): void {
  if (allowance.limit !== null && allowance.used + rows > allowance.limit)
    throw new EstimateExceededError(rows, allowance);
}

async function warningsOf(
  session: ExecutionSession,
  header: ResultSetHeader,
): Promise<{ warnings: string[]; warningCount: number }> {
  const warningCount = header.warningStatus ?? 0;
  return { warningCount, warnings: warningCount > 0 ? await session.warnings() : [] };
}

/** Work inside one transaction; any failure rolls it back (and then the backup table is dropped). */
async function inTransaction<T>(
  session: ExecutionSession,
  work: () => Promise<T>,
  onFailure?: () => Promise<void>,
): Promise<T> {
  await session.begin();
  try {
    const result = await work();
    await session.commit();
    return result;
  } catch (err) {
    await session.rollback();
    await onFailure?.();
    throw err;
  }
}

/** Freeze NOW() for the session so the backup's SELECT and the change read the same clock. */
async function withFrozenClock<T>(session: ExecutionSession, work: () => Promise<T>): Promise<T> {
  await session.query('SET SESSION timestamp = UNIX_TIMESTAMP(NOW(6))');
  try {
    return await work();
  } finally {
    await session.query('SET SESSION timestamp = DEFAULT').catch(() => undefined);
  }
}

export interface BackedUpChange {
  shape: DmlShape;
  info: TableInfo;
  key: KeyInfo;
  backupTable: string;
}

/**
 * UPDATE or DELETE with a backup, in one transaction: copy the rows it will change into the backup
 * table with a locking read, check the count against the estimate, run the statement, check it
 * changed exactly the rows saved, log it, commit. Anything else rolls back and drops the backup.
 */
export async function runBackedUp(
  session: ExecutionSession,
  change: BackedUpChange,
  ctx: StatementContext,
): Promise<ChangeOutcome> {
  const { shape, info, key, backupTable } = change;
  const columns = storedColumns(info);
  const list = columns.map((c) => quoteIdent(c.name)).join(', ');
  const comment = `dbops: before-images of T-${ctx.ticketId} statement ${ctx.statement} (${shape.verb.toUpperCase()} ${shown(shape.table)})`;
  await createBackupTable(
    session,
    backupTable,
    backupTableDdl(session.backupSchema, backupTable, columns, key, comment),
  );
  const copy = `INSERT INTO ${quoteIdent(session.backupSchema)}.${quoteIdent(backupTable)} (${list}) ${shape.prefix ? `${shape.prefix} ` : ''}SELECT ${list} FROM ${shape.from}${shape.tail ? ` ${shape.tail}` : ''} FOR UPDATE`;
  return withFrozenClock(session, () =>
    inTransaction(
      session,
      async () => {
        const saved = (await session.query(copy)).affectedRows;
        session.checkCancelled();
        checkAllowance(saved, ctx.allowance);
        const header = await session.query(ctx.text);
        const affected = header.affectedRows;
        const warnings = await warningsOf(session, header);
        if (affected !== saved) throw new BackupMismatchError(affected, saved);
        checkExpected(affected, ctx);
        session.checkCancelled();
        await writeLogEntry(session, {
          ...logBase(ctx, shape.verb, shape.table),
          backupTable,
          backupKind: 'rows',
          keyColumns: key.columns,
          restoreColumns: shape.verb === 'update' ? restoreColumns(info, shape.setColumns, key) : [],
          backupColumns: columns.map((c) => c.name),
          rowsSaved: saved,
          rowsAffected: affected,
        });
        return { affected, counted: saved, saved, backupTable, ...warnings };
      },
      () => dropBackupTable(session, backupTable),
    ),
  );
}

export interface RecordedInsert {
  shape: InsertShape;
  info: TableInfo;
  key: KeyInfo;
  backupTable: string;
  /** How the created keys are learnt: MariaDB's RETURNING, or LAST_INSERT_ID() for an AUTO_INCREMENT key. */
  method: 'returning' | 'auto-increment';
}

/** Keys written per INSERT into the keys table. */
const KEY_BATCH = 1000;

/** INSERT that records the keys it created, in one transaction with the insert. */
export async function runRecordedInsert(
  session: ExecutionSession,
  change: RecordedInsert,
  ctx: StatementContext,
): Promise<ChangeOutcome> {
  const { shape, info, key, backupTable, method } = change;
  const keyColumns = info.columns.filter((c) => key.columns.some((k) => k.toLowerCase() === c.name.toLowerCase()));
  const comment = `dbops: keys created by T-${ctx.ticketId} statement ${ctx.statement} (INSERT ${shown(shape.table)})`;
  await createBackupTable(
    session,
    backupTable,
    backupTableDdl(session.backupSchema, backupTable, keyColumns, key, comment),
  );
  const keysTable = `${quoteIdent(session.backupSchema)}.${quoteIdent(backupTable)}`;
  const keyList = key.columns.map(quoteIdent).join(', ');
  return inTransaction(
    session,
    async () => {
      let affected: number;
      let keys: unknown[][];
      let warnings: { warnings: string[]; warningCount: number };
      if (method === 'returning') {
        const rows = await session.query<RowDataPacket[]>(`${ctx.text}\nRETURNING ${keyList}`);
        affected = rows.length;
        keys = rows.map((r) => key.columns.map((c) => r[c]));
        const [count] = await session.rows('SELECT @@warning_count AS n');
        const warningCount = Number(count?.n ?? 0);
        warnings = { warningCount, warnings: warningCount > 0 ? await session.warnings() : [] };
      } else {
        const header = await session.query(ctx.text);
        affected = header.affectedRows;
        warnings = await warningsOf(session, header);
        const [{ step }] = await session.rows('SELECT @@auto_increment_increment AS step');
        const first = BigInt(header.insertId);
        keys = Array.from({ length: affected }, (_, i) => [String(first + BigInt(i) * BigInt(Number(step)))]);
      }
      session.checkCancelled();
      checkAllowance(affected, ctx.allowance);
      checkExpected(affected, ctx);
      for (let i = 0; i < keys.length; i += KEY_BATCH) {
        await session.query(`INSERT INTO ${keysTable} (${keyList}) VALUES ?`, [keys.slice(i, i + KEY_BATCH)]);
      }
      await writeLogEntry(session, {
        ...logBase(ctx, 'insert', shape.table),
        backupTable,
        backupKind: 'keys',
        keyColumns: key.columns,
        restoreColumns: [],
        backupColumns: key.columns,
        rowsSaved: keys.length,
        rowsAffected: affected,
      });
      return { affected, counted: affected, saved: keys.length, backupTable, ...warnings };
    },
    () => dropBackupTable(session, backupTable),
  );
}

/** DML that runs without a backup (a DBA approved it knowing, or a rollback's own restore): still one transaction, still the estimate. */
export async function runUnbacked(
  session: ExecutionSession,
  verb: 'update' | 'delete' | 'insert' | 'other',
  table: TableName | null,
  ctx: StatementContext,
): Promise<ChangeOutcome> {
  return inTransaction(session, async () => {
    const header = await session.query(ctx.text);
    const affected = header.affectedRows ?? 0;
    const warnings = await warningsOf(session, header);
    session.checkCancelled();
    checkAllowance(affected, ctx.allowance);
    checkExpected(affected, ctx);
    await writeLogEntry(session, {
      ...logBase(ctx, verb, table),
      backupTable: null,
      backupKind: null,
      keyColumns: [],
      restoreColumns: [],
      backupColumns: [],
      rowsSaved: null,
      rowsAffected: affected,
    });
    return { affected, counted: affected, saved: null, backupTable: null, ...warnings };
  });
}

function logBase(
  ctx: StatementContext,
  verb: LogEntry['verb'],
  table: TableName | null,
): Pick<LogEntry, 'installation' | 'ticketId' | 'statement' | 'attempt' | 'verb' | 'table' | 'statementText'> {
  return {
    installation: ctx.installation,
    ticketId: ctx.ticketId,
    statement: ctx.statement,
    attempt: ctx.attempt,
    verb,
    table,
    statementText: ctx.text,
  };
}

export { qualified };
