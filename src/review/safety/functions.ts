/**
 * Built-in functions a user's SQL may call where dbops sends it to a server before a ticket is
 * approved (the review's EXPLAIN, the row estimate of a change) and in a migrate `where`. Each one is
 * computed from its arguments alone, or from the clock: it writes nothing, takes no lock, does not
 * wait, reads no file, table, variable or server state, and does not repeat its arguments in an
 * error message. Anything else is refused, with the reason below when there is a known one.
 *
 * EXISTS is here because its argument, a subquery, is refused on its own.
 *
 * The clock functions (NOW(), CURDATE(), UTC_TIMESTAMP(), …) and RAND()/UUID() give a different value
 * on each call, but they are harmless: `created_at >= NOW() - INTERVAL 30 DAY` is the most common
 * migrate condition there is.
 */
const HARMLESS = `
  IF IFNULL NULLIF COALESCE GREATEST LEAST ISNULL INTERVAL EXISTS
  CONCAT CONCAT_WS LENGTH CHAR_LENGTH CHARACTER_LENGTH OCTET_LENGTH BIT_LENGTH LOWER LCASE UPPER UCASE
  SUBSTRING SUBSTR MID LEFT RIGHT TRIM LTRIM RTRIM REPLACE REVERSE LOCATE POSITION INSTR LPAD RPAD
  REPEAT SPACE ASCII ORD CHAR HEX UNHEX FIELD FIND_IN_SET ELT STRCMP SOUNDEX FORMAT QUOTE INSERT
  SUBSTRING_INDEX TO_BASE64 FROM_BASE64 CONVERT BINARY REGEXP_REPLACE REGEXP_SUBSTR REGEXP_INSTR
  NATURAL_SORT_KEY
  JSON_EXTRACT JSON_UNQUOTE JSON_CONTAINS JSON_CONTAINS_PATH JSON_LENGTH JSON_VALUE JSON_QUERY JSON_TYPE
  JSON_VALID JSON_KEYS JSON_SEARCH JSON_OBJECT JSON_ARRAY JSON_QUOTE JSON_DEPTH
  ABS CEIL CEILING FLOOR ROUND TRUNCATE MOD SIGN SQRT POW POWER EXP LN LOG LOG2 LOG10 PI CONV BIN OCT
  CRC32 DEGREES RADIANS SIN COS TAN ASIN ACOS ATAN ATAN2 COT RAND
  MD5 SHA SHA1 SHA2
  DATE TIME YEAR MONTH DAY DAYOFMONTH DAYOFWEEK DAYOFYEAR WEEKDAY WEEK WEEKOFYEAR YEARWEEK QUARTER HOUR
  MINUTE SECOND MICROSECOND DATE_ADD DATE_SUB ADDDATE SUBDATE ADDTIME SUBTIME DATEDIFF TIMEDIFF
  TIMESTAMPDIFF TIMESTAMPADD DATE_FORMAT TIME_FORMAT STR_TO_DATE FROM_DAYS TO_DAYS TO_SECONDS
  FROM_UNIXTIME UNIX_TIMESTAMP MAKEDATE MAKETIME LAST_DAY MONTHNAME DAYNAME PERIOD_ADD PERIOD_DIFF
  SEC_TO_TIME TIME_TO_SEC TIMESTAMP CONVERT_TZ GET_FORMAT
  NOW CURRENT_TIMESTAMP CURDATE CURRENT_DATE CURTIME CURRENT_TIME UTC_DATE UTC_TIME UTC_TIMESTAMP
  LOCALTIME LOCALTIMESTAMP SYSDATE UUID
  ROW_NUMBER RANK DENSE_RANK PERCENT_RANK CUME_DIST NTILE LAG LEAD FIRST_VALUE LAST_VALUE NTH_VALUE
`;

/** Aggregates (node-sql-parser's `aggr_func`): harmless in a query, never in a row condition. */
const AGGREGATES = `
  COUNT SUM AVG MIN MAX GROUP_CONCAT BIT_AND BIT_OR BIT_XOR STD STDDEV STDDEV_POP STDDEV_SAMP VAR_POP
  VAR_SAMP VARIANCE JSON_ARRAYAGG JSON_OBJECTAGG
`;

const words = (list: string) => new Set(list.split(/\s+/).filter(Boolean));

export const HARMLESS_FUNCTIONS: ReadonlySet<string> = words(HARMLESS);
export const HARMLESS_AGGREGATES: ReadonlySet<string> = words(AGGREGATES);

/** Why a well-known function is refused, in words for the requester. */
const REASONS: Readonly<Record<string, string>> = {
  SLEEP: 'which makes the server wait',
  BENCHMARK: 'which keeps the server busy on purpose',
  GET_LOCK: 'which takes a named lock other sessions wait on',
  RELEASE_LOCK: 'which releases a named lock another session may hold',
  RELEASE_ALL_LOCKS: 'which releases named locks',
  IS_FREE_LOCK: "which reads other sessions' locks",
  IS_USED_LOCK: "which reads other sessions' locks",
  LOAD_FILE: 'which reads a file on the server',
  EXTRACTVALUE: 'whose error message repeats its argument (a known way to read data out through errors)',
  UPDATEXML: 'whose error message repeats its argument (a known way to read data out through errors)',
  NEXTVAL: 'which advances a sequence (a write)',
  SETVAL: 'which changes a sequence (a write)',
  LASTVAL: "which reads the session's state",
  LAST_INSERT_ID: "which reads or sets the session's state",
  ROW_COUNT: "which reads the session's state",
  FOUND_ROWS: "which reads the session's state",
  CONNECTION_ID: "which reads the server's state",
  USER: "which reads the server's state",
  CURRENT_USER: "which reads the server's state",
  SESSION_USER: "which reads the server's state",
  SYSTEM_USER: "which reads the server's state",
  CURRENT_ROLE: "which reads the server's state",
  DATABASE: "which reads the server's state",
  SCHEMA: "which reads the server's state",
  VERSION: "which reads the server's state",
  MASTER_POS_WAIT: 'which waits for replication',
  MASTER_GTID_WAIT: 'which waits for replication',
  SOURCE_POS_WAIT: 'which waits for replication',
  WAIT_FOR_EXECUTED_GTID_SET: 'which waits for replication',
};

/**
 * Null when the built-in `name` (as the parser spelt it; `schema` when it was qualified, `quoted`
 * when written in backticks) may run before approval; else the reason, e.g. "it calls `evil()`, a
 * function dbops cannot prove harmless".
 */
export function functionRefusal(name: string, options: { schema?: string; quoted?: boolean } = {}): string | null {
  const upper = name.toUpperCase();
  if (options.schema) return `it calls \`${options.schema}.${name}()\`, a stored function`;
  // A quoted name is looked up as a stored function, never as a built-in.
  if (!options.quoted && HARMLESS_FUNCTIONS.has(upper)) return null;
  const reason = options.quoted ? undefined : REASONS[upper];
  return reason
    ? `it calls \`${upper}()\`, ${reason}`
    : `it calls \`${name}()\`, a function dbops cannot prove harmless (only common built-in functions are allowed)`;
}
