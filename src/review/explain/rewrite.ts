import { isQuote, skipQuoted } from '../split.js';

/** A bare word of comment-free SQL with its offsets and parenthesis depth. */
export interface Word {
  upper: string;
  start: number;
  end: number;
  depth: number;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;
}

/** Bare words of comment-stripped SQL (quoted strings and identifiers skipped), with offsets. */
export function* words(stripped: string): Generator<Word> {
  let depth = 0;
  let i = 0;
  const n = stripped.length;
  while (i < n) {
    const c = stripped.charCodeAt(i);
    if (isQuote(c)) {
      i = skipQuoted(stripped, i);
    } else if (isWordChar(c)) {
      let end = i + 1;
      while (end < n && isWordChar(stripped.charCodeAt(end))) end++;
      yield { upper: stripped.slice(i, end).toUpperCase(), start: i, end, depth };
      i = end;
    } else {
      if (c === 40) depth++;
      else if (c === 41 && depth > 0) depth--;
      i++;
    }
  }
}

/** Top-level clauses that may follow the table references of an UPDATE/DELETE. */
const TAIL = new Set(['WHERE', 'ORDER', 'LIMIT']);

/**
 * The SELECT that reads the rows an UPDATE or DELETE would change, for servers that cannot
 * EXPLAIN those statements (MySQL before 5.6.3, MariaDB before 10.0.5) and for row backups:
 *   UPDATE t SET … WHERE w ORDER BY o LIMIT n        → SELECT * FROM t WHERE w ORDER BY o LIMIT n
 *   DELETE FROM t WHERE w                            → SELECT * FROM t WHERE w
 *   DELETE t1 FROM t1 JOIN t2 ON … WHERE w           → SELECT * FROM t1 JOIN t2 ON … WHERE w
 *   DELETE FROM t1 USING t1 JOIN t2 ON … WHERE w     → SELECT * FROM t1 JOIN t2 ON … WHERE w
 * A leading WITH clause is kept; MariaDB's RETURNING is dropped. Returns null when the text is not
 * an UPDATE or DELETE this can read. Takes comment-stripped text.
 */
export function dmlAsSelect(stripped: string): string | null {
  const top = [...words(stripped)].filter((w) => w.depth === 0);
  const verbAt = top.findIndex((w) => w.upper === 'UPDATE' || w.upper === 'DELETE');
  if (verbAt < 0 || (verbAt > 0 && top[0].upper !== 'WITH')) return null;
  const verb = top[verbAt];
  const prefix = stripped.slice(0, verb.start);
  const rest = top.slice(verbAt + 1);
  const returning = rest.find((w) => w.upper === 'RETURNING');
  const end = returning ? returning.start : stripped.length;
  if (verb.upper === 'UPDATE') {
    const set = rest.find((w) => w.upper === 'SET');
    if (!set) return null;
    const refsStart = skipModifiers(rest, ['LOW_PRIORITY', 'IGNORE']) ?? set.start;
    const tail = rest.find((w) => w.start > set.start && TAIL.has(w.upper));
    const refs = stripped.slice(refsStart, set.start).trim();
    return `${prefix}SELECT * FROM ${refs}${tail ? ` ${stripped.slice(tail.start, end).trim()}` : ''}`;
  }
  const from = rest.find((w) => w.upper === 'FROM');
  if (!from) return null;
  // `DELETE FROM t1 USING t1 JOIN t2 …`; a join's `USING (col)` is followed by a parenthesis.
  const using = rest.find((w) => w.upper === 'USING' && w.start > from.start && !/^\s*\(/.test(stripped.slice(w.end)));
  const body = stripped.slice((using ?? from).end, end).trim();
  return body ? `${prefix}SELECT * FROM ${body}` : null;
}

/** Offset of the first word that is not one of the modifiers (the table references' start). */
function skipModifiers(rest: Word[], modifiers: string[]): number | undefined {
  return rest.find((w) => !modifiers.includes(w.upper))?.start;
}

/**
 * The query part of an INSERT/REPLACE … SELECT (comment-stripped text): what it reads, for EXPLAIN.
 *   INSERT INTO t (a, b) SELECT x, y FROM u WHERE w ON DUPLICATE KEY UPDATE …  → SELECT x, y FROM u WHERE w
 * A leading WITH of the query is kept; RETURNING is dropped. Null for INSERT … VALUES / SET, or when
 * the query is parenthesised.
 */
export function insertQuery(stripped: string): string | null {
  const top = [...words(stripped)].filter((w) => w.depth === 0);
  const verb = top[0];
  if (!verb || (verb.upper !== 'INSERT' && verb.upper !== 'REPLACE')) return null;
  const start = top.find((w) => w.upper === 'SELECT' || w.upper === 'WITH');
  if (!start) return null;
  const after = top.filter((w) => w.start > start.start);
  const end = after.find(
    (w, i) => w.upper === 'RETURNING' || (w.upper === 'ON' && after[i + 1]?.upper === 'DUPLICATE'),
  );
  return stripped.slice(start.start, end ? end.start : stripped.length).trim() || null;
}
