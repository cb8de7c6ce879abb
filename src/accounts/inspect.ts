import type { Pool } from 'mysql2/promise';
import { z } from 'zod';
import { type Account, accountKey, accountSql } from './account.js';
import type { Grant } from './grant-store.js';
import { DANGEROUS_PRIVILEGES, type Privilege } from './privileges.js';
import { runOnTarget } from './target-sql.js';

/** One account on a cluster, as `/dbops accounts` shows it to DBAs (never a password or hash). */
export interface AccountReport {
  account: Account;
  /** `SELECT, INSERT on shop.*`, per scope. */
  privileges: string[];
  risks: string[];
  /** The active dbops grants of this account. */
  grants: string[];
}

const UserRow = z.object({
  user: z.string(),
  host: z.string(),
  plugin: z.string().nullable(),
  no_password: z.coerce.number(),
});
const PrivRow = z.object({ grantee: z.string(), scope: z.string(), privilege: z.string() });

const SERVER_ACCOUNTS = new Set(['mariadb.sys', 'mysql.sys', 'mysql.session', 'mysql.infoschema', 'mysql']);
const NO_PASSWORD_PLUGINS = new Set(['unix_socket', 'auth_socket', 'gssapi', 'pam', 'authentication_ldap_sasl']);

/**
 * Every account of the server with its privileges (information_schema's privilege tables: global,
 * schema, table) and what is risky about it: no password, `%` host with global or dangerous
 * privileges, or unknown to dbops (no active grant) while it holds privileges. `dbopsUser` is the
 * cluster's own account, which is listed but never called unknown.
 */
export async function inspectAccounts(
  target: Pool,
  grants: readonly Grant[],
  dbopsUser: string,
): Promise<AccountReport[]> {
  const users = (
    await runOnTarget(
      target,
      'reading the accounts',
      "SELECT User AS user, Host AS host, plugin, (authentication_string = '' OR authentication_string IS NULL) AS no_password FROM mysql.user ORDER BY User, Host",
    )
  ).map((r) => UserRow.parse(r));
  const privileges = (
    await runOnTarget(
      target,
      'reading privileges',
      `SELECT GRANTEE AS grantee, '*.*' AS scope, PRIVILEGE_TYPE AS privilege FROM information_schema.USER_PRIVILEGES
       UNION ALL SELECT GRANTEE, CONCAT(TABLE_SCHEMA, '.*'), PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES
       UNION ALL SELECT GRANTEE, CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES`,
    )
  ).map((r) => PrivRow.parse(r));
  const byGrantee = new Map<string, Map<string, string[]>>();
  for (const p of privileges) {
    const scopes = byGrantee.get(p.grantee) ?? new Map<string, string[]>();
    if (p.privilege !== 'USAGE') scopes.set(p.scope, [...(scopes.get(p.scope) ?? []), p.privilege]);
    byGrantee.set(p.grantee, scopes);
  }
  const grantsBy = new Map<string, Grant[]>();
  for (const g of grants) grantsBy.set(accountKey(g.account), [...(grantsBy.get(accountKey(g.account)) ?? []), g]);
  return users
    .filter((u) => !SERVER_ACCOUNTS.has(u.user))
    .map((u) => {
      const account = { user: u.user, host: u.host };
      const scopes = byGrantee.get(accountSql(account)) ?? new Map<string, string[]>();
      const own = grantsBy.get(accountKey(account)) ?? [];
      const global = scopes.get('*.*') ?? [];
      const risks: string[] = [];
      if (u.no_password && !NO_PASSWORD_PLUGINS.has(u.plugin ?? '')) risks.push('no password');
      const dangerous = global.filter((p) => DANGEROUS_PRIVILEGES.includes(p as Privilege) || p === 'ALL PRIVILEGES');
      if (u.host === '%' && (global.length > 0 || dangerous.length > 0))
        risks.push(`host % with global privileges (${global.slice(0, 4).join(', ')}${global.length > 4 ? ', …' : ''})`);
      if (own.length === 0 && scopes.size > 0 && u.user !== dbopsUser) risks.push('unknown to dbops');
      return {
        account,
        privileges: [...scopes].map(([scope, privs]) => `${privs.join(', ')} on ${scope}`),
        risks,
        grants: own.map((g) => g.ref),
      };
    });
}
