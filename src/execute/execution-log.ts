import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { InstallationId } from '../db/installation.js';
import { LEGACY_EXECUTION_LOG, logTable, quoteIdent, type TableName } from './names.js';

/**
 * The execution log on the changed server (`dbops_backup.execution_log`): one row per statement a
 * ticket ran, written in the same transaction as the change. It is how a redelivered or retried job
 * knows a statement already committed (and skips it), and what the rollback reads to find the
 * before-images: it lives next to the backups, so it is right even if the meta database is not.
 *
 * Rows are keyed by installation, ticket and statement number, and carry the SHA-256 of the
 * statement's text: another installation's T-42 (or this installation's before its meta database
 * was re-created) is never read as this one's, and a logged statement counts as done only for the
 * very text it ran.
 */
export const logDdl = (schema: string): string => `CREATE TABLE IF NOT EXISTS ${logTable(schema)} (
  installation_id VARCHAR(12) NOT NULL COMMENT 'the dbops installation that ran it (its meta database''s id)',
  ticket_id BIGINT UNSIGNED NOT NULL,
  statement_number INT UNSIGNED NOT NULL,
  attempt INT UNSIGNED NOT NULL,
  verb VARCHAR(16) NOT NULL COMMENT 'update, delete, insert, alter, ddl, other',
  table_schema VARCHAR(64) NULL,
  table_name VARCHAR(64) NULL,
  backup_table VARCHAR(64) NULL COMMENT 'in this schema; NULL when nothing was saved',
  backup_kind VARCHAR(8) NULL COMMENT 'rows: before-images; keys: keys an INSERT created',
  key_columns TEXT NULL COMMENT 'JSON array: the key the backup rows are found by',
  restore_columns TEXT NULL COMMENT 'JSON array: the columns an UPDATE changed (restored by key)',
  backup_columns TEXT NULL COMMENT 'JSON array: the columns the backup holds',
  rows_saved BIGINT UNSIGNED NULL,
  rows_affected BIGINT UNSIGNED NOT NULL,
  statement_text MEDIUMTEXT NOT NULL,
  statement_sha256 CHAR(64) NOT NULL COMMENT 'SHA-256 of statement_text (hex)',
  finished_at DATETIME(6) NOT NULL,
  rolled_back_by BIGINT UNSIGNED NULL COMMENT 'the rollback ticket (same installation) that undid it',
  PRIMARY KEY (installation_id, ticket_id, statement_number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='dbops: statements run by tickets, and where their before-images are'`;

export type LogVerb = 'update' | 'delete' | 'insert' | 'alter' | 'ddl' | 'other';

export interface LogEntry {
  installation: InstallationId;
  ticketId: number;
  statement: number;
  attempt: number;
  verb: LogVerb;
  table: TableName | null;
  backupTable: string | null;
  backupKind: 'rows' | 'keys' | null;
  keyColumns: string[];
  restoreColumns: string[];
  backupColumns: string[];
  rowsSaved: number | null;
  rowsAffected: number;
  statementText: string;
  /** SHA-256 (hex) of `statementText`. */
  statementHash: string;
  rolledBackBy: number | null;
}

interface Db {
  /** The backup schema the log lives in. */
  backupSchema: string;
  query(sql: string, values?: unknown[]): Promise<unknown>;
  rows(sql: string, values?: unknown[]): Promise<unknown[]>;
}

/** SHA-256 (hex) of a statement's text, as the log and the step journal record it. */
export function statementHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Create `dbops_backup` and its log when missing (DDL: call outside any transaction). */
export async function ensureBackupSchema(db: Db): Promise<void> {
  await db.query(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(db.backupSchema)} DEFAULT CHARACTER SET utf8mb4`);
  await db.query(logDdl(db.backupSchema));
}

/** Record a statement as done (inside the change's transaction when it has one). */
export async function writeLogEntry(db: Db, e: Omit<LogEntry, 'rolledBackBy' | 'statementHash'>): Promise<void> {
  await db.query(
    `INSERT INTO ${logTable(db.backupSchema)} (installation_id, ticket_id, statement_number, attempt, verb, table_schema, table_name, backup_table, backup_kind,
       key_columns, restore_columns, backup_columns, rows_saved, rows_affected, statement_text, statement_sha256, finished_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))`,
    [
      e.installation,
      e.ticketId,
      e.statement,
      e.attempt,
      e.verb,
      e.table?.schema ?? null,
      e.table?.name ?? null,
      e.backupTable,
      e.backupKind,
      JSON.stringify(e.keyColumns),
      JSON.stringify(e.restoreColumns),
      JSON.stringify(e.backupColumns),
      e.rowsSaved,
      e.rowsAffected,
      e.statementText,
      statementHash(e.statementText),
    ],
  );
}

const jsonList = z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : (v ?? [])), z.array(z.string()));
const count = z.coerce.number().int().min(0);
const LogRow = z.object({
  installation_id: z.string(),
  ticket_id: count,
  statement_number: count,
  attempt: count,
  verb: z.enum(['update', 'delete', 'insert', 'alter', 'ddl', 'other']),
  table_schema: z.string().nullable(),
  table_name: z.string().nullable(),
  backup_table: z.string().nullable(),
  backup_kind: z.enum(['rows', 'keys']).nullable(),
  key_columns: jsonList,
  restore_columns: jsonList,
  backup_columns: jsonList,
  rows_saved: count.nullable(),
  rows_affected: count,
  statement_text: z.string(),
  statement_sha256: z.string(),
  rolled_back_by: count.nullable(),
});

/** No such table (1146) or schema (1049): nothing was logged there yet. */
function isMissing(err: unknown): boolean {
  const errno = (err as { errno?: number }).errno;
  return errno === 1146 || errno === 1049;
}

/** This installation's logged statements of a ticket, in order; empty when the log (or the schema) does not exist yet. */
export async function readLog(db: Db, installation: InstallationId, ticketId: number): Promise<LogEntry[]> {
  let raw: unknown[];
  try {
    raw = await db.rows(
      `SELECT * FROM ${logTable(db.backupSchema)} WHERE installation_id = ? AND ticket_id = ? ORDER BY statement_number`,
      [installation, ticketId],
    );
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
  return raw.map((r) => {
    const row = LogRow.parse(r);
    return {
      installation: row.installation_id,
      ticketId: row.ticket_id,
      statement: row.statement_number,
      attempt: row.attempt,
      verb: row.verb,
      table:
        row.table_schema !== null && row.table_name !== null
          ? { schema: row.table_schema, name: row.table_name }
          : null,
      backupTable: row.backup_table,
      backupKind: row.backup_kind,
      keyColumns: row.key_columns,
      restoreColumns: row.restore_columns,
      backupColumns: row.backup_columns,
      rowsSaved: row.rows_saved,
      rowsAffected: row.rows_affected,
      statementText: row.statement_text,
      statementHash: row.statement_sha256,
      rolledBackBy: row.rolled_back_by,
    };
  });
}

const LegacyRow = z.object({ statement_number: count, statement_text: z.string() });

/**
 * What the log of dbops versions before installation ids (`executions`) holds for a ticket number:
 * statement number → text. It cannot say which installation ran them, so it is never taken as
 * this installation's record; the runner only refuses to run a statement it holds word for word.
 */
export async function readLegacyLog(db: Db, ticketId: number): Promise<Map<number, string>> {
  try {
    const raw = await db.rows(
      `SELECT statement_number, statement_text FROM ${logTable(db.backupSchema, LEGACY_EXECUTION_LOG)} WHERE ticket_id = ?`,
      [ticketId],
    );
    return new Map(raw.map((r) => LegacyRow.parse(r)).map((r) => [r.statement_number, r.statement_text]));
  } catch (err) {
    if (isMissing(err)) return new Map();
    throw err;
  }
}

/** Mark this installation's original ticket's statements as undone (in the rollback's last transaction). */
export async function markRolledBack(
  db: Db,
  installation: InstallationId,
  ticketId: number,
  byTicket: number,
): Promise<void> {
  await db.query(
    `UPDATE ${logTable(db.backupSchema)} SET rolled_back_by = ? WHERE installation_id = ? AND ticket_id = ? AND rolled_back_by IS NULL`,
    [byTicket, installation, ticketId],
  );
}
