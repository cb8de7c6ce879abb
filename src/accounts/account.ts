/** MySQL accounts (`user@'host'`): parsing what people type, naming personal accounts, quoting for SQL. */

export interface Account {
  user: string;
  host: string;
}

/** MySQL's limit on user names (MariaDB allows 80; the smaller one works on both). */
export const MAX_USER_LENGTH = 32;
const USER = /^[A-Za-z0-9_.-]{1,32}$/;
/** A host name, an IP or netmask, or a pattern with `%` and `_`; never a quote, backslash or space. */
const HOST = /^[A-Za-z0-9_.%:/-]{1,255}$/;

export type AccountParse = { ok: true; account: Account } | { ok: false; problem: string };

/**
 * `app@'10.0.%'`, `'app'@'%'`, `app@localhost`, `app@%`. The problem says which part is wrong and
 * what is allowed, so the requester can fix it.
 */
export function parseAccount(text: string): AccountParse {
  const match = /^(?:'([^']*)'|`([^`]*)`|"([^"]*)"|([^@'"`]*))@(?:'([^']*)'|`([^`]*)`|"([^"]*)"|([^@'"`]*))$/.exec(
    text.trim(),
  );
  if (!match)
    return { ok: false, problem: `\`${text}\` is not an account: write it as user@'host', e.g. app_ro@'10.0.%'` };
  const user = match[1] ?? match[2] ?? match[3] ?? match[4] ?? '';
  const host = match[5] ?? match[6] ?? match[7] ?? match[8] ?? '';
  if (!USER.test(user))
    return {
      ok: false,
      problem: `the user name \`${user}\` is not allowed: use 1 to ${MAX_USER_LENGTH} letters, digits, _, . or -`,
    };
  if (!HOST.test(host))
    return {
      ok: false,
      problem: `the host \`${host}\` is not allowed: use a host name, an IP address or netmask, or a pattern with % (e.g. '10.0.%')`,
    };
  return { ok: true, account: { user, host } };
}

/** How an account is written to people and in SQL: `'app'@'10.0.%'` (both parts were checked to hold no quote). */
export function accountSql(account: Account): string {
  return `'${account.user}'@'${account.host}'`;
}

/** The key grants are matched on: MySQL compares user names exactly and host names case-insensitively. */
export function accountKey(account: Account): string {
  return `${account.user}@${account.host.toLowerCase()}`;
}

/**
 * The personal account's user name for a Slack user: the `slack.accounts` mapping when it has one,
 * else their Slack name lower-cased, every run of other characters turned into `_`, at most 32
 * characters. Undefined when nothing usable is left (a name of only symbols).
 */
export function personalUserName(
  slackUserId: string,
  slackName: string,
  mapping: Readonly<Record<string, string>>,
): string | undefined {
  if (Object.hasOwn(mapping, slackUserId)) return mapping[slackUserId];
  const name = slackName
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_USER_LENGTH)
    .replace(/_+$/, '');
  return name === '' ? undefined : name;
}

/** Accounts no grant may name: the servers' own, and the account dbops itself connects as. */
export function protectedAccountReason(account: Account, dbopsUser: string): string | undefined {
  const user = account.user.toLowerCase();
  if (account.user === dbopsUser) return `\`${account.user}\` is the account dbops itself uses on this cluster`;
  if (['root', 'mysql.sys', 'mysql.session', 'mysql.infoschema', 'mariadb.sys', 'public'].includes(user))
    return `\`${account.user}\` is one of the server's own accounts`;
  return undefined;
}
