import { blockCommentEnd, commentAt, execOpenerLength, isQuote, isSpace, lineCommentEnd, skipQuoted } from './split.js';

// Characters that may open (`#`, `-`, `/`) or close (`*`) a comment.
const HASH = 35;
const DASH = 45;
const SLASH = 47;
const STAR = 42;

/** Longest version number an executable comment may carry (`/*!80034`, `/*M!100501`). */
const MAX_VERSION_DIGITS = 6;

/** Index after the optional version number following an executable comment's opener. */
function skipVersion(sql: string, i: number): number {
  const limit = Math.min(sql.length, i + MAX_VERSION_DIGITS);
  let j = i;
  while (j < limit) {
    const c = sql.charCodeAt(j);
    if (c < 48 || c > 57) break;
    j++;
  }
  return j;
}

/**
 * The statement without comments, as the server reads it: `--`, `#` and `/* *\/` comments go,
 * executable comments (`/*!50003 … *\/`, `/*M! … *\/`) keep their content, whitespace runs outside
 * strings and quoted identifiers become one space, and the ends are trimmed.
 */
export function stripComments(sql: string): string {
  const parts: string[] = [];
  const n = sql.length;
  let gap = false; // whitespace or a comment since the last kept code
  let runStart = 0; // start of the code run being kept
  let inExec = false;
  let loneSpace = -1; // offset of the last single space left inside a code run

  const keep = (end: number): void => {
    if (end - 1 === loneSpace) end--;
    if (end <= runStart) return;
    if (gap && parts.length > 0) parts.push(' ');
    parts.push(sql.slice(runStart, end));
    gap = false;
  };
  // Ends the current code run at `i` and resumes after `next`, leaving a gap.
  const skip = (i: number, next: number): number => {
    keep(i);
    gap = true;
    runStart = next;
    return next;
  };

  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isSpace(c)) {
      let j = i + 1;
      while (j < n && isSpace(sql.charCodeAt(j))) j++;
      if (c === 32 && j === i + 1 && i > runStart && j < n) {
        loneSpace = i; // kept in the run; `keep` drops it if the run ends right after it
        i = j;
      } else {
        i = skip(i, j);
      }
      continue;
    }
    if (inExec && c === STAR && sql.charCodeAt(i + 1) === SLASH) {
      inExec = false;
      i = skip(i, i + 2);
      continue;
    }
    if (c !== HASH && c !== DASH && c !== SLASH) {
      i = isQuote(c) ? skipQuoted(sql, i) : i + 1;
      continue;
    }
    const comment = commentAt(sql, i);
    if (comment === 'line') {
      i = skip(i, lineCommentEnd(sql, i));
    } else if (comment === 'block') {
      i = skip(i, blockCommentEnd(sql, i));
    } else if (comment === 'exec') {
      inExec = true;
      i = skip(i, skipVersion(sql, i + execOpenerLength(sql, i)));
    } else {
      i++; // `-` or `/` that opens no comment
    }
  }
  keep(n);
  return parts.join('');
}

export type TokenType = 'word' | 'quoted' | 'punct';

export interface Token {
  type: TokenType;
  /** As written (quotes included for quoted tokens). */
  text: string;
  /** Parenthesis depth: 0 at the top level; `(` and its `)` carry the outer depth. */
  depth: number;
}

/** Letters, digits, `_`, `$` and anything beyond ASCII: what MySQL accepts in a bare word. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;
}

/**
 * Tokens of comment-stripped text, lazily: bare words, quoted strings or identifiers, and single
 * punctuation characters. Comments are not recognised; strip them first.
 */
export function* tokens(stripped: string): Generator<Token> {
  const n = stripped.length;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = stripped.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    let end = i + 1;
    let type: TokenType = 'punct';
    if (isQuote(c)) {
      type = 'quoted';
      end = skipQuoted(stripped, i);
    } else if (isWordChar(c)) {
      type = 'word';
      while (end < n && isWordChar(stripped.charCodeAt(end))) end++;
    } else if (c === 41 && depth > 0) {
      depth--;
    }
    yield { type, text: stripped.slice(i, end), depth };
    if (c === 40) depth++;
    i = end;
  }
}

/** The first `n` bare words of comment-stripped text, upper-cased; quoted text and punctuation are skipped. */
export function firstWords(stripped: string, n: number): string[] {
  const words: string[] = [];
  if (n <= 0) return words;
  for (const token of tokens(stripped)) {
    if (token.type !== 'word') continue;
    words.push(token.text.toUpperCase());
    if (words.length >= n) break;
  }
  return words;
}
