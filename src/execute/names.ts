import type { InstallationId } from '../db/installation.js';
import { quoteIdent } from '../db/meta.js';

export { quoteIdent };

/** The default schema dbops keeps before-images and its execution log in, on the cluster it changes (`execution.backup_schema`). */
export const DEFAULT_BACKUP_SCHEMA = 'dbops_backup';
/** One row per statement dbops ran on this server, written in the same transaction as the change, keyed by installation. */
export const EXECUTION_LOG = 'execution_log';
/**
 * The log of dbops versions before installation ids (keyed by ticket number alone). Never read as
 * this installation's; only consulted to refuse re-running a statement it may hold (see run.ts).
 */
export const LEGACY_EXECUTION_LOG = 'executions';

/** MySQL and MariaDB identifiers are at most 64 characters. */
const MAX_IDENTIFIER = 64;

export interface TableName {
  schema: string;
  name: string;
}

/** `schema`.`table`, quoted. */
export function qualified(table: TableName): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

/** `schema.table` as people read it. */
export function shown(table: TableName): string {
  return `${table.schema}.${table.name}`;
}

/**
 * The backup table of statement `n` of a ticket of an installation: `k3x9m2q7za_t42_3_orders`. The
 * `k3x9m2q7za_t42_3_` prefix alone is unique, so a long table name is cut to fit 64 characters.
 * Another installation's T-42 (or this one's before its meta database was re-created) has another.
 */
export function backupTableName(
  installation: InstallationId,
  ticketId: number,
  statementNumber: number,
  table: string,
): string {
  return `${installation}_t${ticketId}_${statementNumber}_${table}`.slice(0, MAX_IDENTIFIER);
}

/** The log table in a backup schema, quoted. */
export function logTable(backupSchema: string, name: string = EXECUTION_LOG): string {
  return `${quoteIdent(backupSchema)}.${quoteIdent(name)}`;
}

/** Names the copy and the old table get: `_orders_new`, `_orders_old`. */
export function oscTableNames(table: string): { newTable: string; oldTable: string } {
  return { newTable: `_${table}_new`.slice(0, 64), oldTable: `_${table}_old`.slice(0, 64) };
}
