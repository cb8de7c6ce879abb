import mariadbParser from 'node-sql-parser/build/mariadb.js';
import mysqlParser from 'node-sql-parser/build/mysql.js';
import type { AnyAst, ParseFailure } from './types.js';

const mariadb = { parser: new mariadbParser.Parser(), options: { database: 'MariaDB' } };
const mysql = { parser: new mysqlParser.Parser(), options: { database: 'MySQL' } };
/** Tokens the parser always 'expects' (comments, whitespace) that tell a user nothing. */
const NOISE_TOKENS = new Set(['/*', '--', '#', '"', '`']);

export type ParseResult = { ast: AnyAst; error: null } | { ast: null; error: ParseFailure };

/**
 * Parse one statement with node-sql-parser. Its MariaDB grammar comes first; where it has gaps that
 * its MySQL grammar does not (a column named `status`, `DELETE … LIMIT n`, `ALTER TABLE … ADD PRIMARY
 * KEY`), the MySQL grammar reads the statement. When both fail, the error that got further is kept.
 */
export function parseStatement(sql: string): ParseResult {
  const first = parseWith(mariadb, sql);
  if (first.error === null) return first;
  const second = parseWith(mysql, sql);
  if (second.error === null) return second;
  const failed = reach(second.error) > reach(first.error) ? second : first;
  const readable = validWithout(sql);
  return readable ? { ast: null, error: { ...failed.error, readable } } : failed;
}

/**
 * MySQL syntax node-sql-parser's grammars lack, each with a stand-in they read. A statement that
 * parses once its constructs are replaced is valid SQL: it gets no syntax finding, and its rules
 * read it from its tokens (the stand-in's AST would mean something else, so it is not kept).
 */
const STAND_INS: ReadonlyArray<{ construct: string; pattern: RegExp; standIn: string }> = [
  { construct: '<=>', pattern: /<=>/g, standIn: '=' },
  {
    construct: 'NATURAL JOIN',
    pattern: /\bNATURAL\s+(?:(?:LEFT|RIGHT)\s+(?:OUTER\s+)?)?JOIN\b/gi,
    standIn: 'CROSS JOIN',
  },
  { construct: 'RENAME INDEX', pattern: /\bRENAME\s+(?:INDEX|KEY)\b/gi, standIn: 'RENAME COLUMN' },
];

/** The constructs that made the parser fail on valid SQL, or undefined when the SQL is not valid without them. */
function validWithout(sql: string): string | undefined {
  // search() and replace() with a global pattern both start at 0 whatever lastIndex says.
  const used = STAND_INS.filter((s) => sql.search(s.pattern) !== -1);
  if (used.length === 0) return undefined;
  let standIn = sql;
  for (const s of used) standIn = standIn.replace(s.pattern, s.standIn);
  const parsed = parseWith(mariadb, standIn).error === null || parseWith(mysql, standIn).error === null;
  return parsed ? used.map((s) => s.construct).join(', ') : undefined;
}

function parseWith(dialect: typeof mariadb, sql: string): ParseResult {
  try {
    const ast: unknown = dialect.parser.astify(sql, dialect.options);
    const first: unknown = Array.isArray(ast) ? ast[0] : ast;
    if (!first) return { ast: null, error: { message: 'the parser found no statement' } };
    return { ast: first, error: null };
  } catch (err) {
    return { ast: null, error: toFailure(err) };
  }
}

function reach(failure: ParseFailure): number {
  return (failure.line ?? 0) * 1_000_000 + (failure.column ?? 0);
}

interface PegError {
  message?: string;
  location?: { start?: { line?: number; column?: number } };
  expected?: Array<{ type?: string; text?: string; description?: string }>;
  found?: string | null;
}

function toFailure(err: unknown): ParseFailure {
  const peg = (typeof err === 'object' && err !== null ? err : {}) as PegError;
  const expected = (peg.expected ?? [])
    .map((e) => e.text ?? e.description ?? '')
    .filter((e) => e !== '' && !NOISE_TOKENS.has(e) && !e.startsWith('['));
  return {
    message: peg.message ?? String(err),
    line: peg.location?.start?.line,
    column: peg.location?.start?.column,
    expected: [...new Set(expected)].slice(0, 8),
    found: peg.found ?? null,
  };
}
