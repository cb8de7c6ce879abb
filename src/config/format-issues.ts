import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** Turn zod issues into lines a person can act on: `clusters.prod.primary.port: expected a number, got 'abc'`. */
export function formatIssues(issues: readonly Issue[], raw: unknown): string[] {
  return issues.flatMap((issue) => formatIssue(issue, raw));
}

function formatIssue(issue: Issue, raw: unknown): string[] {
  const path = issue.path.map(String);
  const where = path.length > 0 ? path.join('.') : '(top level)';
  const value = valueAt(raw, path);
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? [`${where}: required (expected ${article(issue.expected)})`]
        : [`${where}: expected ${article(issue.expected)}, got ${describe(value)}`];
    case 'unrecognized_keys':
      return issue.keys.map((key) => `${joinPath(path, key)}: unknown key (check the spelling; see dbops.example.yml)`);
    case 'invalid_value':
      return [
        `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`,
      ];
    case 'invalid_key':
      return [`${where}: ${issue.issues.map((inner) => inner.message).join('; ')}`];
    case 'invalid_union':
      return [
        `${where}: ${describe(value)} is not a valid setting (expected a level such as "warning", or { level: …, <params> })`,
      ];
    case 'too_small':
    case 'too_big':
      return [`${where}: ${issue.message.replace(/^Too (small|big): /, '')}, got ${describe(value)}`];
    case 'custom':
      // A value that may hold a secret (REDIS_URL's password) is never echoed.
      if (issue.params?.hideValue === true) return [`${where}: ${issue.message}`];
      return [`${where}: ${issue.message}${value === undefined ? '' : `, got ${describe(value)}`}`];
    default:
      return [`${where}: ${issue.message}${value === undefined ? '' : `, got ${describe(value)}`}`];
  }
}

function joinPath(path: string[], key: string): string {
  return [...path, key].join('.');
}

function valueAt(raw: unknown, path: string[]): unknown {
  let node: unknown = raw;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function article(expected: string): string {
  const noun = expected === 'object' ? 'mapping' : expected === 'array' ? 'list' : expected;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}
