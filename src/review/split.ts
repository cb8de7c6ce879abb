import type { SplitStatement } from './types.js';

// Character codes the scanners compare against.
const NL = 10;
const QUOTE = 39;
const DQUOTE = 34;
const BACKTICK = 96;
const BACKSLASH = 92;
const DASH = 45;
const HASH = 35;
const SLASH = 47;
const STAR = 42;
const BANG = 33;
const UPPER_M = 77;

/** SQL whitespace: space, tab, LF, VT, FF, CR. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Is there a string or quoted identifier (`'`, `"`, `` ` ``) opening at `c`? */
export function isQuote(c: number): boolean {
  return c === QUOTE || c === DQUOTE || c === BACKTICK;
}

/**
 * Index just past the string or identifier that opens at `start`, or `input.length` when it is
 * unterminated. Quotes escape by doubling; backslash escapes in strings but not in backticks.
 */
export function skipQuoted(input: string, start: number): number {
  const q = input.charCodeAt(start);
  const n = input.length;
  let i = start + 1;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c === BACKSLASH && q !== BACKTICK) {
      i += 2;
    } else if (c !== q) {
      i++;
    } else if (input.charCodeAt(i + 1) === q) {
      i += 2;
    } else {
      return i + 1;
    }
  }
  return n;
}

export type CommentKind = 'line' | 'block' | 'exec';

/**
 * The comment opening at `i`, if any. `-- ` needs a space or control character (or the end) after
 * the dashes, as in MySQL; `/*!` and `/*M!` are executable comments, which the server runs.
 */
export function commentAt(input: string, i: number): CommentKind | null {
  const c = input.charCodeAt(i);
  if (c === HASH) return 'line';
  if (c === DASH) {
    if (input.charCodeAt(i + 1) !== DASH) return null;
    return i + 2 >= input.length || input.charCodeAt(i + 2) <= 32 ? 'line' : null;
  }
  if (c !== SLASH || input.charCodeAt(i + 1) !== STAR) return null;
  const next = input.charCodeAt(i + 2);
  if (next === BANG) return 'exec';
  if (next === UPPER_M && input.charCodeAt(i + 3) === BANG) return 'exec';
  return 'block';
}

/** Where a `--`/`#` comment at `i` ends: at its newline (not consumed), or the end of input. */
export function lineCommentEnd(input: string, i: number): number {
  const nl = input.indexOf('\n', i);
  return nl < 0 ? input.length : nl;
}

/** Index just past the `*\/` closing the block comment at `i`, or the end of input. */
export function blockCommentEnd(input: string, i: number): number {
  const end = input.indexOf('*/', i + 2);
  return end < 0 ? input.length : end + 2;
}

/** Length of an executable comment's opener (`/*!` or `/*M!`) at `i`. */
export function execOpenerLength(input: string, i: number): number {
  return input.charCodeAt(i + 2) === BANG ? 3 : 4;
}

/** Maps offsets to 1-based line/column; offsets must be asked for in increasing order. */
function lineCursor(input: string): (offset: number) => { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  return (offset) => {
    while (scanned < offset) {
      const nl = input.indexOf('\n', scanned);
      if (nl < 0 || nl >= offset) {
        scanned = offset;
        break;
      }
      line++;
      lineStart = nl + 1;
      scanned = nl + 1;
    }
    return { line, column: offset - lineStart + 1 };
  };
}

/** Is `i` preceded on its line by whitespace only? */
function atLineStart(input: string, i: number): boolean {
  for (let j = i - 1; j >= 0; j--) {
    const c = input.charCodeAt(j);
    if (c === NL) return true;
    if (!isSpace(c)) return false;
  }
  return true;
}

interface DelimiterCommand {
  /** The new delimiter, or null when the command has no usable argument (it is then ignored). */
  delimiter: string | null;
  /** Where the command's line ends (its newline, or the end of input). */
  end: number;
}

/** A mysql-client `DELIMITER xx` command at `i` (already known to start its line), if any. */
function delimiterCommandAt(input: string, i: number): DelimiterCommand | null {
  if (input.slice(i, i + 9).toUpperCase() !== 'DELIMITER') return null;
  const n = input.length;
  if (i + 9 < n && !isSpace(input.charCodeAt(i + 9))) return null;
  const end = lineCommentEnd(input, i);
  let a = i + 9;
  while (a < end && isSpace(input.charCodeAt(a))) a++;
  let b = a;
  while (b < end && !isSpace(input.charCodeAt(b))) b++;
  let token = input.slice(a, b);
  if (token.length >= 2 && isQuote(token.charCodeAt(0)) && token.endsWith(token[0])) {
    token = token.slice(1, -1);
  }
  // The mysql client refuses an empty delimiter and one containing a backslash.
  const usable = token.length > 0 && !token.includes('\\');
  return { delimiter: usable ? token : null, end };
}

/**
 * Splits a batch of SQL into statements, as the mysql client would: on `;` or the delimiter set by
 * a `DELIMITER` line, but not inside strings, quoted identifiers or comments. Statements holding
 * only comments are dropped, and so are comments left alone on the line that ends a statement.
 * An executable comment (`/*! … *\/`) is code, so its statement is kept, but a delimiter inside
 * it does not split.
 */
export function splitStatements(input: string): SplitStatement[] {
  const out: SplitStatement[] = [];
  const position = lineCursor(input);
  const n = input.length;
  let delimiter = ';';
  let delimiterFirst = delimiter.charCodeAt(0);
  let start = -1; // first non-space offset of the pending statement, -1 when there is none
  let hasCode = false; // has the pending statement anything besides comments?
  let inExec = false; // inside an executable comment
  let afterEnd = false; // still on the line where the previous statement ended

  const finish = (end: number, ended: string): void => {
    if (hasCode) {
      let e = end;
      while (e > start && isSpace(input.charCodeAt(e - 1))) e--;
      const { line, column } = position(start);
      out.push({ text: input.slice(start, e), line, column, offset: start, delimiter: ended });
    }
    start = -1;
    hasCode = false;
    inExec = false;
  };

  let i = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (isSpace(c)) {
      if (c === NL && afterEnd) {
        afterEnd = false;
        if (!hasCode) start = -1; // comments trailing the previous statement belong to no one
      }
      i++;
      continue;
    }
    if (inExec) {
      if (c === STAR && input.charCodeAt(i + 1) === SLASH) {
        inExec = false;
        i += 2;
        continue;
      }
    } else {
      if (c === delimiterFirst && (delimiter.length === 1 || input.startsWith(delimiter, i))) {
        finish(i, delimiter);
        afterEnd = true;
        i += delimiter.length;
        continue;
      }
      if (!hasCode && (c === 68 || c === 100) && atLineStart(input, i)) {
        const command = delimiterCommandAt(input, i);
        if (command) {
          if (command.delimiter !== null) {
            delimiter = command.delimiter;
            delimiterFirst = delimiter.charCodeAt(0);
          }
          start = -1;
          afterEnd = false;
          i = command.end;
          continue;
        }
      }
    }
    if (start < 0) start = i;
    if (c !== HASH && c !== DASH && c !== SLASH) {
      hasCode = true;
      i = isQuote(c) ? skipQuoted(input, i) : i + 1;
      continue;
    }
    const comment = commentAt(input, i);
    if (comment === 'line') {
      i = lineCommentEnd(input, i);
    } else if (comment === 'block') {
      i = blockCommentEnd(input, i);
    } else if (comment === 'exec') {
      hasCode = true;
      inExec = true;
      i += execOpenerLength(input, i);
    } else {
      hasCode = true;
      i++; // `-` or `/` that opens no comment
    }
  }
  finish(n, '');
  return out;
}
