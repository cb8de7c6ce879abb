import { lex, type DdlToken } from './ddl/lexer.js';
import { expandPattern } from './shards.js';
import { splitStatements } from './split.js';
import { stripComments } from './strip.js';

/**
 * Which schemas a batch of SQL names, read from its tokens rather than a parse, so that SQL the
 * parser cannot read is covered too: every `schema.` qualifier (`shop.orders`, `` `dbops`.tickets ``,
 * `"dbops".x` under ANSI_QUOTES, `db.*` in a GRANT), `USE schema`, and `DATABASE`/`SCHEMA name` (CREATE,
 * ALTER, DROP). Comments are gone first; executable comments (`/*! … *\/`) count as code, as the
 * server reads them. A table alias (`t.col`) is reported as a schema too: callers only look the
 * names up, and an alias that shares a protected schema's name is refused on the safe side.
 * A shard pattern (`shop_{0..3}.orders`, src/review/shards.ts) names every schema it expands to, since
 * the runner runs the statement once for each.
 */
export interface SchemaReferences {
  /** Each name once per statement, as written; `statement` is 1-based. */
  schemas: Array<{ schema: string; statement: number }>;
  /** Statements that build SQL at run time (PREPARE, EXECUTE): what they touch cannot be read from the text. */
  dynamic: number[];
}

export function schemaReferences(sql: string): SchemaReferences {
  const result: SchemaReferences = { schemas: [], dynamic: [] };
  for (const [index, split] of splitStatements(sql).entries()) {
    const statement = index + 1;
    const { text, patterns } = withPatternPlaceholders(stripComments(split.text));
    const tokens = lex(text);
    const names = new Set<string>();
    for (let k = 0; k < tokens.length; k++) {
      const named = nameAt(tokens, k);
      if (named === null) continue;
      for (const name of patterns.get(named) ?? [named]) names.add(name);
    }
    for (const schema of names) result.schemas.push({ schema, statement });
    if (isDynamic(tokens)) result.dynamic.push(statement);
  }
  return result;
}

const SHARD_PATTERN = /[\w$]*\{\d+\.\.\d+\}[\w$]*/g;

/**
 * The text with each shard pattern replaced by one word the lexer keeps whole (it would split
 * `shop_{0..3}` at its braces), and what each such word expands to. A pattern inside a string is
 * replaced too: it can only add names to check, never hide one.
 */
function withPatternPlaceholders(text: string): { text: string; patterns: Map<string, string[]> } {
  const patterns = new Map<string, string[]>();
  // A prefix the text does not hold, so no name the SQL writes is taken for a placeholder.
  let prefix = 'dbops_shard_pattern_';
  while (text.includes(prefix)) prefix += '_';
  const replaced = text.replace(SHARD_PATTERN, (pattern) => {
    const names = expandPattern(pattern);
    if (names === null) return pattern;
    const word = `${prefix}${patterns.size}_`;
    patterns.set(word, names);
    return word;
  });
  return { text: replaced, patterns };
}

const NAME_INTRODUCERS = new Set(['DATABASE', 'SCHEMA']);
const CONDITION_WORDS = new Set(['IF', 'NOT', 'EXISTS']);

/** The schema token `k` names: a qualifier before `.`, or the name after USE / DATABASE / SCHEMA. */
function nameAt(tokens: readonly DdlToken[], k: number): string | null {
  const token = tokens[k];
  const next = tokens[k + 1];
  if (isPunct(next, '.') && !isPunct(tokens[k - 1], '.') && nameOf(token) !== null) return nameOf(token);
  if (token.kind !== 'word') return null;
  if (token.value === 'USE' && k === 0) return next ? nameOf(next) : null;
  if (!NAME_INTRODUCERS.has(token.value)) return null;
  let j = k + 1;
  while (tokens[j]?.kind === 'word' && CONDITION_WORDS.has(tokens[j].value)) j++;
  const candidate = tokens[j];
  // `SCHEMA()` / `DATABASE()` are functions, not names.
  return candidate && !isPunct(tokens[j + 1], '(') ? nameOf(candidate) : null;
}

/** A bare word, a backticked name or a double-quoted one (ANSI_QUOTES); null for anything else. */
function nameOf(token: DdlToken | undefined): string | null {
  if (!token) return null;
  if (token.kind === 'word') return token.raw;
  if (token.kind === 'ident') return token.value;
  if (token.kind === 'string' && !token.prefix && token.raw.startsWith('"')) return token.value;
  return null;
}

function isPunct(token: DdlToken | undefined, ch: string): boolean {
  return token?.kind === 'punct' && token.value === ch;
}

/** Words after which a statement starts inside a compound statement (a routine's, trigger's or event's body). */
const STATEMENT_STARTS = new Set(['BEGIN', 'THEN', 'ELSE', 'DO', 'LOOP', 'REPEAT']);

/**
 * Dynamic SQL, anywhere (also inside a routine's or an event's body): `PREPARE name FROM …`,
 * `EXECUTE name` where a statement starts, MariaDB's `EXECUTE IMMEDIATE`. Columns that happen to be
 * named prepare or execute do not count.
 */
function isDynamic(tokens: readonly DdlToken[]): boolean {
  return tokens.some((t, k) => {
    if (t.kind !== 'word') return false;
    if (t.value === 'PREPARE') return nameOf(tokens[k + 1]) !== null && tokens[k + 2]?.value === 'FROM';
    if (t.value !== 'EXECUTE') return false;
    if (tokens[k + 1]?.value === 'IMMEDIATE') return true;
    const before = tokens[k - 1];
    const startsStatement =
      before === undefined ||
      isPunct(before, ';') ||
      isPunct(before, ':') ||
      (before.kind === 'word' && STATEMENT_STARTS.has(before.value));
    return startsStatement && nameOf(tokens[k + 1]) !== null;
  });
}
