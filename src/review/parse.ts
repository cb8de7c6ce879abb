import mariadbParser from 'node-sql-parser/build/mariadb.js';
import type { AnyAst, ParseFailure } from './types.js';

const parser = new mariadbParser.Parser();
const OPTIONS = { database: 'MariaDB' } as const;
/** Tokens the parser always 'expects' (comments, whitespace) that tell a user nothing. */
const NOISE_TOKENS = new Set(['/*', '--', '#', '"', '`']);

export type ParseResult = { ast: AnyAst; error: null } | { ast: null; error: ParseFailure };

/** Parse one statement with node-sql-parser (MariaDB dialect, which reads MySQL too). */
export function parseStatement(sql: string): ParseResult {
  try {
    const ast: unknown = parser.astify(sql, OPTIONS);
    const first: unknown = Array.isArray(ast) ? ast[0] : ast;
    if (!first) return { ast: null, error: { message: 'the parser found no statement' } };
    return { ast: first, error: null };
  } catch (err) {
    return { ast: null, error: toFailure(err) };
  }
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
