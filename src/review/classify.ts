import { tokens, type Token } from './strip.js';
import type { StatementKind } from './types.js';

/** How many leading tokens classification looks at (modifiers such as DEFINER included). */
const LEAD_TOKENS = 40;

/** The k-th token of the text, or undefined past the end or past LEAD_TOKENS. */
type TokenAt = (k: number) => Token | undefined;

/** Reads tokens on demand: most statements are classified by their first one or two. */
function leadingTokens(stripped: string): TokenAt {
  const source = tokens(stripped);
  const seen: Token[] = [];
  return (k) => {
    if (k >= LEAD_TOKENS) return undefined;
    while (seen.length <= k) {
      const next = source.next();
      if (next.done) return undefined;
      seen.push(next.value);
    }
    return seen[k];
  };
}

/** Statements known by their first word alone. */
const BY_FIRST_WORD: Readonly<Record<string, StatementKind>> = {
  SELECT: 'select',
  TABLE: 'select', // MySQL 8 `TABLE t`
  VALUES: 'select', // MySQL 8 `VALUES ROW(…)`
  INSERT: 'insert',
  REPLACE: 'replace',
  UPDATE: 'update',
  DELETE: 'delete',
  TRUNCATE: 'truncate',
  GRANT: 'grant',
  REVOKE: 'revoke',
  COMMIT: 'transaction',
  ROLLBACK: 'transaction',
  SAVEPOINT: 'transaction',
  SET: 'set',
  USE: 'use',
  SHOW: 'show',
  EXPLAIN: 'explain',
  DESCRIBE: 'explain',
  DESC: 'explain',
  CALL: 'call',
};

const CREATE_OBJECTS: Readonly<Record<string, StatementKind>> = {
  TABLE: 'create-table',
  INDEX: 'create-index',
  VIEW: 'create-view',
  TRIGGER: 'create-trigger',
  PROCEDURE: 'create-procedure',
  FUNCTION: 'create-function',
  EVENT: 'create-event',
  DATABASE: 'create-database',
  SCHEMA: 'create-database',
  USER: 'create-user',
};

const DROP_OBJECTS: Readonly<Record<string, StatementKind>> = {
  TABLE: 'drop-table',
  TABLES: 'drop-table',
  INDEX: 'drop-index',
  DATABASE: 'drop-database',
  SCHEMA: 'drop-database',
  VIEW: 'drop-view',
};

/** Words that may stand between CREATE/ALTER/DROP and the kind of object. */
const MODIFIERS = new Set([
  'OR',
  'REPLACE',
  'TEMPORARY',
  'UNIQUE',
  'FULLTEXT',
  'SPATIAL',
  'ONLINE',
  'OFFLINE',
  'IGNORE',
  'AGGREGATE',
]);

/** Main-statement keywords after a WITH clause's common table expressions. */
const AFTER_WITH: Readonly<Record<string, StatementKind>> = {
  SELECT: 'select',
  TABLE: 'select',
  VALUES: 'select',
  UPDATE: 'update',
  DELETE: 'delete',
  INSERT: 'insert',
  REPLACE: 'replace',
};

/** Upper-cased word of a token, or '' for quoted text and punctuation. */
function wordOf(token: Token | undefined): string {
  return token?.type === 'word' ? token.text.toUpperCase() : '';
}

function isPunct(token: Token | undefined, text: string): boolean {
  return token?.type === 'punct' && token.text === text;
}

/** Index after a DEFINER value: `CURRENT_USER[()]` or `user[@host]`, each part bare or quoted. */
function skipUser(at: TokenAt, k: number): number {
  if (isPunct(at(k), '=')) k++;
  if (wordOf(at(k)) === 'CURRENT_USER') {
    k++;
    return isPunct(at(k), '(') && isPunct(at(k + 1), ')') ? k + 2 : k;
  }
  k++;
  if (!isPunct(at(k), '@')) return k;
  k += 2;
  while (isPunct(at(k), '.') && at(k + 1)?.type === 'word') k += 2; // bare 10.0.0.1
  return k;
}

/** Index of the object keyword after CREATE/ALTER/DROP, past OR REPLACE, DEFINER=… and the like. */
function objectIndex(at: TokenAt, k: number): number {
  while (at(k)) {
    const word = wordOf(at(k));
    if (MODIFIERS.has(word)) {
      k++;
    } else if (word === 'ALGORITHM') {
      k += isPunct(at(k + 1), '=') ? 3 : 2;
    } else if (word === 'SQL' && wordOf(at(k + 1)) === 'SECURITY') {
      k += 3;
    } else if (word === 'DEFINER') {
      k = skipUser(at, k + 1);
    } else {
      return k;
    }
  }
  return k;
}

/** WITH … SELECT / UPDATE / DELETE: the first main keyword at the WITH's own parenthesis depth. */
function classifyWith(stripped: string, depth: number): StatementKind {
  let seenWith = false;
  for (const token of tokens(stripped)) {
    if (token.depth !== depth || token.type !== 'word') continue;
    const word = token.text.toUpperCase();
    if (!seenWith) {
      seenWith = word === 'WITH';
      continue;
    }
    const kind = AFTER_WITH[word];
    if (kind) return kind;
  }
  return 'select'; // e.g. `WITH c AS (…) (SELECT …)`
}

/** Coarse kind of a statement from the leading keywords of its comment-stripped text. */
export function classify(stripped: string): StatementKind {
  const at = leadingTokens(stripped);
  let k = 0;
  while (isPunct(at(k), '(')) k++;
  const first = wordOf(at(k));
  const next = wordOf(at(k + 1));
  const known = BY_FIRST_WORD[first];
  if (known) return known;
  switch (first) {
    case 'WITH':
      return classifyWith(stripped, at(k)?.depth ?? 0);
    case 'CREATE':
      return CREATE_OBJECTS[wordOf(at(objectIndex(at, k + 1)))] ?? 'other';
    case 'ALTER':
      return wordOf(at(objectIndex(at, k + 1))) === 'TABLE' ? 'alter-table' : 'other';
    case 'DROP':
      return DROP_OBJECTS[wordOf(at(objectIndex(at, k + 1)))] ?? 'drop-other';
    case 'RENAME':
      return next === 'TABLE' ? 'rename-table' : 'other';
    case 'START':
      return next === 'TRANSACTION' ? 'transaction' : 'other';
    case 'BEGIN':
      return next === 'NOT' ? 'other' : 'transaction'; // MariaDB `BEGIN NOT ATOMIC` is a compound statement
    case 'RELEASE':
      return next === 'SAVEPOINT' ? 'transaction' : 'other';
    case 'LOAD':
      return next === 'DATA' || next === 'XML' ? 'load-data' : 'other';
    default:
      return 'other';
  }
}
