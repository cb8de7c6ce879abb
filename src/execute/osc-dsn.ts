import { alterShape } from './alter.js';
import { executableStatements } from './analyze.js';
import { shown, type TableName } from './names.js';

/**
 * Characters that mean something in pt-online-schema-change's DSN or in the DBI connection string
 * it builds from it: `,` ends a DSN part and `\,` is an escaped comma, `=` follows a part's key (a
 * part without one is read as the host), and the database name is copied into the DBI string
 * `DBI:mysql:<D>;mysql_read_default_file=…;host=…`, where `;` and `:` separate attributes and
 * `[ ]` wrap a host. Control characters are refused with them.
 */
const DSN_SPECIAL = /[,;:=\\[\]\p{Cc}]/gu;

/** Why `name` cannot be handed to pt-online-schema-change in a DSN, or null when it can. */
function specialCharacters(name: string): string[] {
  return [...new Set(name.match(DSN_SPECIAL) ?? [])].map((c) =>
    /\p{Cc}/u.test(c) ? 'a control character' : `\`${c}\``,
  );
}

function listed(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * Why a table cannot go through pt-online-schema-change because of its name (null when it can):
 * the name would be read as more connection settings, such as another host to send the cluster's
 * password to.
 */
export function toolNameProblem(table: TableName): string | null {
  for (const [what, name] of [
    ['schema', table.schema],
    ['table', table.name],
  ] as const) {
    const found = specialCharacters(name);
    if (found.length > 0)
      return (
        `the ${what} name \`${name}\` contains ${listed(found)}, which pt-online-schema-change reads as separators in its connection string (DSN), ` +
        `so dbops will not hand \`${shown(table)}\` to it. Large-table ALTERs go through that tool: rename the ${what}, or ask a DBA to run this ALTER by hand.`
      );
  }
  return null;
}

/**
 * Before a ticket exists: the first ALTER TABLE of `sql` that could go through pt-online-schema-change
 * (no ALGORITHM/LOCK of its own) on a table whose name the tool cannot be given, as "statement 2: …".
 */
export function toolNameRefusal(sql: string, schema: string | null): string | null {
  let statements: ReturnType<typeof executableStatements>;
  try {
    statements = executableStatements(sql);
  } catch {
    return null; // the review says what is wrong with the SQL itself
  }
  for (const stmt of statements) {
    if (stmt.kind !== 'alter-table') continue;
    const shape = alterShape(stmt.stripped, schema);
    if ('exact' in shape || shape.explicitAlgorithm || shape.modifiers) continue;
    const problem = toolNameProblem(shape.table);
    if (problem) return `statement ${stmt.number} cannot be run: ${problem}`;
  }
  return null;
}

/** The host part of the DSN: an IPv6 address in brackets (DBI's form); anything unusual refused. */
function dsnHost(host: string): string {
  if (/^[A-Za-z0-9._-]+$/.test(host)) return host;
  if (/^[0-9A-Fa-f:.]+$/.test(host) && host.includes(':')) return `[${host}]`;
  throw new Error(
    `pt-online-schema-change cannot be pointed at the host \`${host}\`: its DSN could not carry that name`,
  );
}

/**
 * pt-online-schema-change's DSN, built from checked parts: the table, then the option file with
 * the credentials (`F=`), then the host and port of the cluster's own pool. A name with a character
 * the DSN gives a meaning to is refused, never escaped; the pinned parts come last as well, since
 * the tool keeps the last value of a repeated key.
 */
export function oscDsn(parts: { table: TableName; optionFile: string; host: string; port: number }): string {
  const problem = toolNameProblem(parts.table);
  if (problem) throw new Error(problem);
  if (specialCharacters(parts.optionFile).length > 0)
    throw new Error(
      `pt-online-schema-change's option file path \`${parts.optionFile}\` contains a character its DSN gives a meaning to; set DBOPS_STATE_DIR to a plain path`,
    );
  if (!Number.isInteger(parts.port) || parts.port <= 0 || parts.port > 65535)
    throw new Error(`pt-online-schema-change cannot be given the port ${parts.port}`);
  return `D=${parts.table.schema},t=${parts.table.name},F=${parts.optionFile},h=${dsnHost(parts.host)},P=${parts.port}`;
}
