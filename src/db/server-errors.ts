/**
 * A target server's error, said in dbops' own words for a review or a validation answer. The
 * server's text is never repeated: it can carry data (`XPATH syntax error: '~<a row's value>'`).
 * What the answer names — a column, a table, the place of a syntax error — is taken from the SQL
 * dbops sent (the user's own text), never from the server's message: a name the server quotes is
 * shown only when that SQL contains it, and a syntax error is located in that SQL and quoted from it.
 */

interface ServerErrorLike {
  code?: unknown;
  errno?: unknown;
  sqlMessage?: unknown;
}

interface Describer {
  /** Read the names out of the server's message (they are checked against the SQL before use). */
  pattern?: RegExp;
  say(names: Names): string;
}

/** Names the server quoted (`\`x\``), each only if the SQL contains it; numbers of the message. */
interface Names {
  name(i: number): string | undefined;
  number(i: number): string | undefined;
}

const PRIVILEGE: Describer = {
  pattern: /for table '([^']+)'/,
  say: (n) => `no privilege: dbops' account on that server may not do this${or(n.name(1), (t) => ` on ${t}`, '')}`,
};
const TIMEOUT: Describer = { say: () => 'the server took too long, so dbops stopped it' };
const SYNTAX: Describer = { say: () => 'syntax error' }; // located in `describeServerError`

/** `present(value)` when the name is known, else `otherwise`. */
function or(value: string | undefined, present: (v: string) => string, otherwise: string): string {
  return value === undefined ? otherwise : present(value);
}

/** By errno: MariaDB's own numbers (1901, 1969) have no mysql2 code name. */
const DESCRIBERS: Readonly<Record<number, Describer>> = {
  1054: {
    pattern: /Unknown column '([^']+)'/,
    say: (n) => or(n.name(1), (c) => `unknown column ${c}`, 'a column it names does not exist'),
  },
  1146: {
    pattern: /Table '([^']+)' doesn't exist/,
    say: (n) => or(n.name(1), (t) => `table ${t} does not exist`, 'a table it names does not exist'),
  },
  1049: {
    pattern: /Unknown database '([^']+)'/,
    say: (n) => or(n.name(1), (d) => `schema ${d} does not exist`, 'a schema it names does not exist'),
  },
  1052: {
    pattern: /Column '([^']+)' in .* is ambiguous/,
    say: (n) => `${or(n.name(1), (c) => `column ${c}`, 'a column')} is ambiguous: say which table it is from`,
  },
  1109: {
    pattern: /Unknown table '([^']+)'/,
    say: (n) => or(n.name(1), (t) => `unknown table ${t}`, 'a table it names is not in the statement'),
  },
  1066: {
    pattern: /alias: '([^']+)'/,
    say: (n) => `${or(n.name(1), (t) => `table or alias ${t}`, 'a table or alias')} is used twice`,
  },
  1110: {
    pattern: /Column '([^']+)' specified twice/,
    say: (n) => `${or(n.name(1), (c) => `column ${c}`, 'a column')} is set twice`,
  },
  1136: { say: () => 'the number of values does not match the number of columns' },
  1060: {
    pattern: /Duplicate column name '([^']+)'/,
    say: (n) => or(n.name(1), (c) => `duplicate column name ${c}`, 'a column name is used twice'),
  },
  1061: {
    pattern: /Duplicate key name '([^']+)'/,
    say: (n) => or(n.name(1), (k) => `duplicate key name ${k}`, 'an index name is used twice'),
  },
  1050: {
    pattern: /Table '([^']+)' already exists/,
    say: (n) => `${or(n.name(1), (t) => `table ${t}`, 'a table it creates')} already exists`,
  },
  1072: {
    pattern: /Key column '([^']+)' doesn't exist/,
    say: (n) => `${or(n.name(1), (c) => `key column ${c}`, 'a column of an index')} does not exist in the table`,
  },
  1091: {
    pattern: /DROP (?:COLUMN |INDEX |CONSTRAINT |FOREIGN KEY )?[`']([^`']+)[`']/,
    say: (n) => `${or(n.name(1), (x) => x, 'something it drops')} cannot be dropped: it does not exist`,
  },
  1074: {
    pattern: /column '([^']+)' \(max = (\d+)\)/,
    say: (n) =>
      `${or(n.name(1), (c) => `column ${c}`, 'a column')} is too long${or(n.number(2), (m) => ` (at most ${m} here)`, '')}: use BLOB or TEXT instead`,
  },
  1068: { say: () => 'the table would have more than one primary key' },
  1071: {
    pattern: /max key length is (\d+) bytes/,
    say: (n) => `an index key is too long${or(n.number(1), (m) => ` (at most ${m} bytes)`, '')}`,
  },
  1075: { say: () => 'an AUTO_INCREMENT column must be the first column of a key, and a table has only one' },
  1170: {
    pattern: /column '([^']+)' used in key/,
    say: (n) => `BLOB/TEXT ${or(n.name(1), (c) => `column ${c}`, 'column')} is indexed without a prefix length`,
  },
  1101: {
    pattern: /column '([^']+)' can't have/,
    say: (n) => `BLOB/TEXT ${or(n.name(1), (c) => `column ${c}`, 'column')} cannot have a default value`,
  },
  1067: {
    pattern: /default value for '([^']+)'/,
    say: (n) => `invalid default value for ${or(n.name(1), (c) => c, 'a column')}`,
  },
  1118: { say: () => 'the row would be too large: change some columns to TEXT or BLOB' },
  1059: { say: () => 'an identifier is too long' },
  1166: { say: () => 'a column name is not valid' },
  1103: { say: () => 'a table name is not valid' },
  1005: { say: () => 'the server cannot create the table (often a foreign key that does not match its columns)' },
  1215: { say: () => 'a foreign key does not match the referenced table or columns' },
  1901: {
    say: () => 'a function or expression it uses is not allowed in that clause (DEFAULT, CHECK, generated column)',
  },
  1305: {
    pattern: /FUNCTION (\S+) does not exist/,
    say: (n) => or(n.name(1), (f) => `function ${f} does not exist`, 'a function it calls does not exist'),
  },
  1128: { say: () => 'a function it calls does not exist' },
  1582: { say: () => 'a function is called with the wrong number of arguments' },
  1583: { say: () => 'a function is called with wrong arguments' },
  1111: { say: () => 'an aggregate function is used where it cannot be' },
  1055: { say: () => 'a selected column is neither grouped nor aggregated (ONLY_FULL_GROUP_BY)' },
  1242: { say: () => 'a subquery returns more than one row' },
  1093: { say: () => 'the table it changes is also read in a subquery of the same statement' },
  1064: SYNTAX,
  1149: SYNTAX,
  1044: PRIVILEGE,
  1045: PRIVILEGE,
  1142: PRIVILEGE,
  1143: PRIVILEGE,
  1227: PRIVILEGE,
  1370: PRIVILEGE,
  1290: { say: () => 'the server is read-only (--read-only)' },
  1792: { say: () => 'it would write, and dbops only runs reads before approval' },
  1205: { say: () => 'it waited too long for a lock' },
  1213: { say: () => 'it ran into a deadlock' },
  1969: TIMEOUT,
  3024: TIMEOUT,
};

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Is this an error a server sent (it has a message of the server's), rather than one of ours? */
export function isServerError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && typeof (err as ServerErrorLike).sqlMessage === 'string';
}

/**
 * What went wrong, in dbops' words: "unknown column `nope`", "syntax error near `WHER id = 1`",
 * "no privilege: …", "the server refused it (ER_XYZ)". `sql` is the text that was sent; names and
 * excerpts come from it (names also from `userText`, the statement as the user wrote it, when what
 * was sent is dbops' rewrite of it). An error that is not the server's (ours, or the connection's) is described
 * by its code only, except dbops' own errors, which are written for users already.
 */
export function describeServerError(err: unknown, context: { sql: string; userText?: string }): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ServerErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const errno = typeof e.errno === 'number' ? e.errno : undefined;
  const message = typeof e.sqlMessage === 'string' ? e.sqlMessage : '';
  if (!isServerError(err)) {
    if (code === 'PROTOCOL_SEQUENCE_TIMEOUT') return TIMEOUT.say(noNames);
    if (code && CONNECTION_CODES.has(code)) return `the connection to the server failed (${code})`;
    return code ? `the server could not be asked (${code})` : "dbops could not read the server's answer";
  }
  const describer = errno === undefined ? undefined : DESCRIBERS[errno];
  if (describer === SYNTAX) return syntaxError(message, context.sql);
  if (!describer) return `the server refused it (${code ?? `error ${errno ?? '?'}`})`;
  const match = describer.pattern?.exec(message) ?? null;
  return describer.say(namesFrom(match, `${context.sql}\n${context.userText ?? ''}`));
}

const noNames: Names = { name: () => undefined, number: () => undefined };

function namesFrom(match: RegExpExecArray | null, sql: string): Names {
  if (!match) return noNames;
  return {
    name(i) {
      const raw = match[i];
      if (!raw) return undefined;
      // `db.table`, `t.col`: show the parts the SQL names, the last (the object itself) first of all.
      const last = raw.split('.').pop() ?? raw;
      if (containsName(sql, raw)) return `\`${raw}\``;
      if (containsName(sql, last)) return `\`${last}\``;
      return undefined;
    },
    number(i) {
      const raw = match[i];
      return raw && /^\d{1,12}$/.test(raw) ? raw : undefined;
    },
  };
}

/** Does `sql` contain `name` as a whole word (or quoted)? */
function containsName(sql: string, name: string): boolean {
  if (name === '') return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w$])${escaped}($|[^\\w$])`, 'i').test(sql);
}

/**
 * "syntax error near `…`": MySQL and MariaDB quote the statement from where they stopped reading;
 * that place is found in the SQL sent and quoted from it (40 characters), never from the message.
 */
function syntaxError(message: string, sql: string): string {
  const near = /near '([\s\S]*)' at line \d+/.exec(message)?.[1];
  if (near === undefined) return 'syntax error: the server cannot read it';
  if (near === '') return 'syntax error at the end of the statement';
  const at = sql.indexOf(near.slice(0, 80));
  if (at < 0) return 'syntax error: the server cannot read it';
  const excerpt = sql
    .slice(at, at + 40)
    .replace(/\s+/g, ' ')
    .trim();
  return `syntax error near \`${excerpt}${at + 40 < sql.length ? '…' : ''}\``;
}
