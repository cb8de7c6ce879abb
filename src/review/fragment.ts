import { locate, positionAt } from './ast-dml.js';
import { skipQuoted } from './split.js';
import { tokens } from './strip.js';
import type { ReviewStatement } from './types.js';

/** Longest fragment a finding quotes; longer ones are cut between tokens, with an ellipsis. */
export const FRAGMENT_MAX = 100;

/**
 * A fragment as reports quote it: whitespace collapsed, backticks and quotes as written, cut at a
 * token boundary (never inside a word, a string or a quoted name) with ` …` when it is longer.
 */
export function clipFragment(fragment: string, max = FRAGMENT_MAX): string {
  // A 1 MB statement is quoted by its head: flatten only what can be shown.
  const head = fragment.length > max * 4 ? fragment.slice(0, max * 4) : fragment;
  const flat = head.replace(/\s+/g, ' ').trim();
  if (flat.length <= max && head === fragment) return flat;
  let end = 0;
  let i = 0;
  while (i < flat.length) {
    const c = flat.charCodeAt(i);
    const next =
      c === 39 || c === 34 || c === 96 ? skipQuoted(flat, i) : /[\w$]/.test(flat[i]) ? wordEnd(flat, i) : i + 1;
    if (next > max) break;
    end = next;
    i = next;
  }
  const cut = flat.slice(0, end || max).trimEnd();
  return `${cut} …`;
}

function wordEnd(text: string, i: number): number {
  let end = i;
  while (end < text.length && /[\w$]/.test(text[end])) end++;
  return end;
}

/** Where the statement's SQL starts, past leading comments and blank lines (what a finding without a place points at). */
export function codeStart(stmt: ReviewStatement): { line: number; column: number } {
  const skipped = leadingNoise(stmt.text);
  return skipped === 0 ? { line: stmt.line, column: stmt.column } : positionAt(stmt, skipped);
}

function leadingNoise(text: string): number {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith('--', i) || text[i] === '#') {
      const eol = text.indexOf('\n', i);
      if (eol === -1) return text.length;
      i = eol + 1;
    } else if (text.startsWith('/*', i) && !text.startsWith('/*!', i)) {
      const close = text.indexOf('*/', i + 2);
      if (close === -1) return text.length;
      i = close + 2;
    } else {
      return i;
    }
  }
}

/**
 * Where a finding's fragment is written in the statement (spacing and backticks aside), so a
 * finding about one column of a CREATE TABLE points at that column's line. Undefined when the
 * fragment is not the SQL as written (a rule's own summary of it).
 */
export function fragmentPosition(stmt: ReviewStatement, fragment: string): { line?: number; column?: number } {
  if (fragment.includes('…') || fragment.includes('→')) return {};
  const list = [...tokens(fragment)];
  if (list.length === 0 || list.length > 12) return {};
  const parts = list.map((t) => t.text.replace(/^`(.*)`$/, '$1'));
  const found = locate(stmt, parts);
  if (found.line !== undefined || !list[0].text.startsWith('`')) return found;
  // `price` DOUBLE written as `price double precision`: the quoted name alone still finds its line.
  return locate(stmt, parts.slice(0, 1));
}
