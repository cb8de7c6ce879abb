const QUOTED = `'(?:[^'\\\\]|\\\\.|'')*'|"(?:[^"\\\\]|\\\\.|"")*"`;

/** Places a password is written in SQL: account statements, replication setup, PASSWORD(). */
const SECRET_PATTERNS: readonly RegExp[] = [
  new RegExp(`(IDENTIFIED\\s+(?:WITH\\s+\\S+\\s+)?(?:BY|AS)\\s+(?:PASSWORD\\s+)?)(${QUOTED})`, 'gi'),
  new RegExp(`(\\bPASSWORD\\s*\\(\\s*)(${QUOTED})`, 'gi'),
  new RegExp(`(\\bSET\\s+PASSWORD\\b[^=]*=\\s*(?:PASSWORD\\s*\\(\\s*)?)(${QUOTED})`, 'gi'),
  new RegExp(`(\\b(?:MASTER|SOURCE)_PASSWORD\\s*=\\s*)(${QUOTED})`, 'gi'),
];

/**
 * SQL as it may be shown or stored in a report: passwords replaced by '***'. Reports reach Slack
 * channels, files and CI logs, where a secret must never appear.
 */
export function redactSecrets(sql: string): string {
  if (!/PASSWORD|IDENTIFIED/i.test(sql)) return sql;
  return SECRET_PATTERNS.reduce((text, pattern) => text.replace(pattern, "$1'***'"), sql);
}
