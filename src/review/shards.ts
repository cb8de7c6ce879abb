import { blockCommentEnd, commentAt, execOpenerLength, isQuote, lineCommentEnd, skipQuoted } from './split.js';
import type { ReviewStatement, SplitStatement, StatementKind } from './types.js';

/** `review.shards` of the config: a logical table name and its physical tables. */
export type ShardConfig = Readonly<Record<string, string | readonly string[]>>;

/** More shards than this in one pattern is taken for a typo, not a shard set. */
const MAX_SHARDS = 65_536;

/** `orders_{0..511}`, `log_{00..15}_v2`: a name with one numeric range in braces. */
const PATTERN = /^([\w$]*)\{(\d+)\.\.(\d+)\}([\w$]*)$/;
const PATTERN_AT = /[\w$]*\{\d+\.\.\d+\}[\w$]*/y;
const WORD_AT = /[\w$]+/y;

/**
 * The tables a shard pattern stands for: `orders_{0..3}` → orders_0 … orders_3; a zero-padded
 * start pads every number (`{00..15}` → 00 … 15). Null when the text is not a pattern, the range
 * runs backwards, or it is implausibly long.
 */
export function expandPattern(pattern: string): string[] | null {
  const match = PATTERN.exec(pattern);
  if (!match) return null;
  const [, head, from, to, tail] = match;
  const first = Number(from);
  const last = Number(to);
  if (last < first || last - first + 1 > MAX_SHARDS) return null;
  const width = from.length > 1 && from.startsWith('0') ? from.length : 0;
  const names: string[] = [];
  for (let n = first; n <= last; n++) names.push(`${head}${String(n).padStart(width, '0')}${tail}`);
  return names;
}

/** The physical tables of each logical name in the config, lower-cased names as keys. */
export function shardSets(config: ShardConfig): Map<string, string[]> {
  const sets = new Map<string, string[]>();
  for (const [logical, value] of Object.entries(config)) {
    const tables = typeof value === 'string' ? (expandPattern(value) ?? [value]) : [...value];
    if (tables.length > 0) sets.set(logical.toLowerCase(), tables);
  }
  return sets;
}

/** A sharded table named in a statement: where, as written, and the physical tables it stands for. */
export interface ShardName {
  start: number;
  end: number;
  pattern: string;
  tables: string[];
}

/**
 * Expand sharded tables in one statement: a pattern written in the SQL (`orders_{0..511}`) or a
 * logical name from the config (`orders` → its list). The statement is rewritten to its first shard
 * (`orders_0`), which is what gets parsed and reviewed, and `shards` says which set it stands for.
 * Strings and comments are left alone. Several sharded tables in one statement pair up by position
 * (shard i with shard i); the set reported is the first one's.
 */
export function expandShards(
  split: SplitStatement,
  sets: ReadonlyMap<string, string[]>,
): { text: string; shards?: ReviewStatement['shards'] } {
  const text = split.text;
  if (!text.includes('{') && sets.size === 0) return { text };
  const found = findShardNames(text, sets);
  if (found.length === 0) return { text };
  const first = found[0];
  const patterns = [...new Set(found.map((r) => r.pattern))];
  return {
    text: rewriteShards(text, found, 0),
    shards: { pattern: patterns.join(', '), count: first.tables.length, tables: first.tables },
  };
}

/** The sharded names one statement's text holds, in order (strings and comments left alone). */
export function shardNames(text: string, sets: ReadonlyMap<string, string[]>): readonly ShardName[] {
  if (!text.includes('{') && sets.size === 0) return [];
  return findShardNames(text, sets);
}

/** A statement's text with every sharded name replaced by its shard `index` (`orders_{0..3}` → `orders_2`). */
export function rewriteShards(text: string, found: readonly ShardName[], index: number): string {
  let out = '';
  let at = 0;
  for (const r of found) {
    out += text.slice(at, r.start) + r.tables[index];
    at = r.end;
  }
  return out + text.slice(at);
}

function findShardNames(text: string, sets: ReadonlyMap<string, string[]>): ShardName[] {
  const found: ShardName[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const comment = commentAt(text, i);
    if (comment === 'line') {
      i = lineCommentEnd(text, i);
    } else if (comment === 'block') {
      i = blockCommentEnd(text, i);
    } else if (comment === 'exec') {
      i += execOpenerLength(text, i); // executable comments are code: scan their content
    } else if (isQuote(c)) {
      const end = skipQuoted(text, i);
      if (c === 96) pushName(found, text.slice(i + 1, end - 1), i + 1, end - 1, sets);
      i = end;
    } else if (isNameStart(text, i)) {
      PATTERN_AT.lastIndex = i;
      WORD_AT.lastIndex = i;
      const match = PATTERN_AT.exec(text) ?? WORD_AT.exec(text);
      const name = match ? match[0] : text[i];
      pushName(found, name, i, i + name.length, sets);
      i += name.length;
    } else {
      i++;
    }
  }
  return found;
}

function isNameStart(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  const word =
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c === 123;
  if (!word) return false;
  const prev = i > 0 ? text.charCodeAt(i - 1) : 32;
  return !(
    (prev >= 48 && prev <= 57) ||
    (prev >= 65 && prev <= 90) ||
    (prev >= 97 && prev <= 122) ||
    prev === 95 ||
    prev === 36
  );
}

function pushName(
  found: ShardName[],
  name: string,
  start: number,
  end: number,
  sets: ReadonlyMap<string, string[]>,
): void {
  const tables = name.includes('{') ? expandPattern(name) : sets.get(name.toLowerCase());
  if (tables && tables.length > 0) found.push({ start, end, pattern: name, tables });
}

/** What the shard check reads of one statement: its number, kind and the sharded names it holds. */
export interface ShardUse {
  /** 1-based position in the batch. */
  number: number;
  kind: StatementKind;
  names: ReadonlyArray<{ pattern: string; count: number }>;
}

/** Statements that only set up the session: a sharded batch may run them on every shard. */
const SESSION_ONLY: ReadonlySet<StatementKind> = new Set(['set', 'use']);

/**
 * Why a batch cannot run shard by shard, or null when it can (or names no sharded table). Every
 * sharded name must stand for as many shards as the first (they pair up by position), and a
 * statement that names none would run once per shard, so only SET and USE may sit next to them.
 */
export function shardBatchProblem(statements: readonly ShardUse[]): { statement: number; message: string } | null {
  const first = statements.find((s) => s.names.length > 0)?.names[0];
  if (!first) return null;
  for (const s of statements) {
    const other = s.names.find((n) => n.count !== first.count);
    if (other)
      return {
        statement: s.number,
        message: `statement ${s.number} names \`${other.pattern}\` (${other.count} shards) next to \`${first.pattern}\` (${first.count} shards): sharded tables pair up shard by shard, so they must have as many shards`,
      };
  }
  const plain = statements.find((s) => s.names.length === 0 && !SESSION_ONLY.has(s.kind));
  if (!plain) return null;
  return {
    statement: plain.number,
    message: `statement ${plain.number} names no sharded table, so it would run once on each of the ${first.count} shards of \`${first.pattern}\``,
  };
}
