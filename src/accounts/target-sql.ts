import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { ServerFlavor } from '../db/schema/column-default.js';
import { type Account, accountSql } from './account.js';
import { nativePasswordHash } from './password.js';
import type { Privilege } from './privileges.js';
import type { GrantSpec } from './spec.js';

/**
 * The statements a grant runs on its target, and the one way they are sent: a failure is rethrown
 * with the server's code, errno and message but never the statement (mysql2 puts it in `sql`), so
 * no password or hash can reach a log through an error.
 */
export class AccountSqlError extends Error {
  readonly code: string | undefined;
  readonly errno: number | undefined;
  constructor(what: string, err: unknown) {
    const e = (typeof err === 'object' && err !== null ? err : {}) as {
      code?: unknown;
      errno?: unknown;
      sqlMessage?: unknown;
    };
    const code = typeof e.code === 'string' ? e.code : undefined;
    const errno = typeof e.errno === 'number' ? e.errno : undefined;
    super(`${what} failed: ${typeof e.sqlMessage === 'string' ? e.sqlMessage : (code ?? 'unknown error')}`);
    this.name = 'AccountSqlError';
    this.code = code;
    this.errno = errno;
  }
}

export async function runOnTarget<T extends RowDataPacket[]>(
  target: Pool,
  what: string,
  sql: string,
  values: unknown[] = [],
): Promise<T> {
  try {
    const [rows] = await target.query<T>(sql, values);
    return rows;
  } catch (err) {
    throw new AccountSqlError(what, err);
  }
}

export function quoteIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/**
 * The object of GRANT/REVOKE for exactly the scope asked: `*.*`, `` `my\_db`.* `` (in a schema-level
 * grant `_` and `%` are wildcards, so they are escaped: `my_db` must not also cover `myXdb`), or
 * `` `shop`.`orders` `` (a table-level grant names its schema literally).
 */
export function grantObject(spec: Pick<GrantSpec, 'schema' | 'table'>): string {
  if (spec.schema === null) return '*.*';
  if (spec.table === null) return `${quoteIdent(spec.schema.replace(/([_%])/g, '\\$1'))}.*`;
  return `${quoteIdent(spec.schema)}.${quoteIdent(spec.table)}`;
}

function privilegeList(privileges: readonly Privilege[]): string {
  return privileges.map((p) => (p === 'ALL' ? 'ALL PRIVILEGES' : p)).join(', ');
}

/** `GRANT … ON … TO …`: GRANT OPTION becomes `WITH GRANT OPTION`, the form both servers take. */
export function grantStatement(
  spec: Pick<GrantSpec, 'schema' | 'table' | 'account'>,
  privileges: readonly Privilege[],
): string {
  const plain = privileges.filter((p) => p !== 'GRANT OPTION');
  const withOption = plain.length < privileges.length ? ' WITH GRANT OPTION' : '';
  return `GRANT ${plain.length > 0 ? privilegeList(plain) : 'USAGE'} ON ${grantObject(spec)} TO ${accountSql(spec.account)}${withOption}`;
}

export function revokeStatement(
  spec: Pick<GrantSpec, 'schema' | 'table' | 'account'>,
  privileges: readonly Privilege[],
): string {
  return `REVOKE ${privilegeList(privileges)} ON ${grantObject(spec)} FROM ${accountSql(spec.account)}`;
}

/** The account's creation; on MariaDB with the password's hash, so the password is not in the statement. */
export function createUserStatement(
  account: Account,
  password: string,
  flavor: ServerFlavor,
): { sql: string; values: string[] } {
  if (flavor === 'mariadb')
    return {
      sql: `CREATE USER IF NOT EXISTS ${accountSql(account)} IDENTIFIED BY PASSWORD ?`,
      values: [nativePasswordHash(password)],
    };
  return { sql: `CREATE USER IF NOT EXISTS ${accountSql(account)} IDENTIFIED BY ?`, values: [password] };
}

export async function accountExists(target: Pool, account: Account): Promise<boolean> {
  const rows = await runOnTarget(
    target,
    `reading whether ${accountSql(account)} exists`,
    'SELECT Host FROM mysql.user WHERE User = ?',
    [account.user],
  );
  return rows.some((r) => String(r.Host).toLowerCase() === account.host.toLowerCase());
}

/** The account's grants as SHOW GRANTS lists them, without any IDENTIFIED BY part (it can carry a hash). */
export async function showGrants(target: Pool, account: Account): Promise<string[]> {
  const rows = await runOnTarget(
    target,
    `reading the grants of ${accountSql(account)}`,
    `SHOW GRANTS FOR ${accountSql(account)}`,
  );
  return rows.map((r) => String(Object.values(r)[0]).replace(/\s+IDENTIFIED\s+(BY|VIA|WITH)\b.*$/is, ''));
}

/** Whether an account holds nothing but USAGE (what an account with no privileges shows). */
export function onlyUsage(grants: readonly string[]): boolean {
  return grants.every((g) => /^GRANT USAGE ON \*\.\* TO /i.test(g));
}
