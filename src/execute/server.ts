import type { ExecutionSection } from '../config/schema.js';

export type Flavor = 'mariadb' | 'mysql';

export interface ServerInfo {
  flavor: Flavor;
  /** As the server reports it: `10.11.6-MariaDB-0+deb12u1`, `8.0.36`. */
  version: string;
  major: number;
  minor: number;
}

/** Read flavor and version from `SELECT VERSION()`. */
export function serverInfoFrom(version: string): ServerInfo {
  const match = /^(\d+)\.(\d+)/.exec(version);
  return {
    flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql',
    version,
    major: match ? Number(match[1]) : 0,
    minor: match ? Number(match[2]) : 0,
  };
}

/** MariaDB 10.5+ returns the rows an INSERT wrote (`INSERT … RETURNING`). */
export function supportsInsertReturning(info: ServerInfo): boolean {
  return info.flavor === 'mariadb' && (info.major > 10 || (info.major === 10 && info.minor >= 5));
}

export type SessionSettings = Pick<
  ExecutionSection,
  'lock_wait_timeout_seconds' | 'innodb_lock_wait_timeout_seconds' | 'statement_timeout_seconds' | 'backup_schema'
>;

/**
 * The session a change runs in: bounded waits for metadata and row locks, repeatable read (the
 * backup's locking read and the change then see the same rows), and the statement time limit.
 * MariaDB's max_statement_time covers every statement; MySQL's max_execution_time only SELECTs.
 */
export function sessionSetup(info: ServerInfo, settings: SessionSettings): string[] {
  const statements = [
    `SET SESSION lock_wait_timeout = ${Math.round(settings.lock_wait_timeout_seconds)}`,
    `SET SESSION innodb_lock_wait_timeout = ${Math.round(settings.innodb_lock_wait_timeout_seconds)}`,
    'SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ',
    'SET SESSION autocommit = 1',
  ];
  statements.push(statementTimeout(info, settings.statement_timeout_seconds));
  return statements;
}

/** The statement time limit for this session (0 = none); DDL runs with none (see `ddlTimeout`). */
export function statementTimeout(info: ServerInfo, seconds: number): string {
  if (info.flavor === 'mariadb') return `SET SESSION max_statement_time = ${Number(seconds.toFixed(3))}`;
  return `SET SESSION max_execution_time = ${Math.round(seconds * 1000)}`;
}
