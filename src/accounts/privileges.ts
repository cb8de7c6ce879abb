/**
 * The privileges MySQL and MariaDB know, by the levels they may be granted at. A grant request
 * names them; anything else is refused before a ticket exists, with the closest known name.
 */

/** Grantable on a table (and so on a schema and globally). */
export const TABLE_PRIVILEGES = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'ALTER',
  'INDEX',
  'REFERENCES',
  'TRIGGER',
  'CREATE VIEW',
  'SHOW VIEW',
  'DELETE HISTORY',
] as const;

/** Grantable on a schema (`shop.*`) or globally, not on one table. */
export const SCHEMA_PRIVILEGES = [
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'EXECUTE',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EVENT',
] as const;

/** Grantable only on `*.*` (MySQL refuses them on a schema). */
export const GLOBAL_PRIVILEGES = [
  'SUPER',
  'FILE',
  'PROCESS',
  'SHUTDOWN',
  'RELOAD',
  'CREATE USER',
  'CREATE TABLESPACE',
  'SHOW DATABASES',
  'REPLICATION CLIENT',
  'REPLICATION SLAVE',
  'BINLOG MONITOR',
  'BINLOG ADMIN',
  'SLAVE MONITOR',
  'REPLICATION SLAVE ADMIN',
  'REPLICATION MASTER ADMIN',
  'CONNECTION ADMIN',
  'READ_ONLY ADMIN',
  'FEDERATED ADMIN',
  'SET USER',
] as const;

/** Grantable at any level, with a meaning of their own. */
export const SPECIAL_PRIVILEGES = ['ALL', 'GRANT OPTION'] as const;

export type Privilege =
  | (typeof TABLE_PRIVILEGES)[number]
  | (typeof SCHEMA_PRIVILEGES)[number]
  | (typeof GLOBAL_PRIVILEGES)[number]
  | (typeof SPECIAL_PRIVILEGES)[number];

export const KNOWN_PRIVILEGES: readonly Privilege[] = [
  ...TABLE_PRIVILEGES,
  ...SCHEMA_PRIVILEGES,
  ...GLOBAL_PRIVILEGES,
  ...SPECIAL_PRIVILEGES,
];

/** Privileges the least-privilege review calls dangerous on any environment (an error; a DBA may grant an exception). */
export const DANGEROUS_PRIVILEGES: readonly Privilege[] = [
  'ALL',
  'SUPER',
  'GRANT OPTION',
  'FILE',
  'PROCESS',
  'SHUTDOWN',
  'CREATE USER',
];

/** Other spellings MySQL accepts for the same privilege. */
const ALIASES: Readonly<Record<string, Privilege>> = {
  'ALL PRIVILEGES': 'ALL',
  'REPLICA MONITOR': 'SLAVE MONITOR',
  'REPLICATION REPLICA': 'REPLICATION SLAVE',
  'REPLICATION REPLICA ADMIN': 'REPLICATION SLAVE ADMIN',
  'BINLOG REPLAY': 'BINLOG ADMIN',
};

/** `select`, ` show  view ` → the canonical name, or undefined when MySQL knows no such privilege. */
export function canonicalPrivilege(text: string): Privilege | undefined {
  const words = text.trim().replace(/\s+/g, ' ').toUpperCase();
  if (Object.hasOwn(ALIASES, words)) return ALIASES[words];
  return KNOWN_PRIVILEGES.find((p) => p === words);
}

export type PrivilegeLevel = 'table' | 'schema' | 'global';

/** The narrowest level a privilege can be granted at. */
export function privilegeLevel(privilege: Privilege): PrivilegeLevel {
  if ((GLOBAL_PRIVILEGES as readonly string[]).includes(privilege)) return 'global';
  if ((SCHEMA_PRIVILEGES as readonly string[]).includes(privilege)) return 'schema';
  return 'table';
}

/** Privileges in the order of KNOWN_PRIVILEGES, once each: the form every stored grant keeps. */
export function sortPrivileges(privileges: Iterable<Privilege>): Privilege[] {
  const set = new Set(privileges);
  return KNOWN_PRIVILEGES.filter((p) => set.has(p));
}
