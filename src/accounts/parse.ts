import { closest } from '../text/closest.js';
import { parseSpan } from '../text/duration.js';
import { type Account, parseAccount } from './account.js';
import { canonicalPrivilege, KNOWN_PRIVILEGES, type Privilege, privilegeLevel, sortPrivileges } from './privileges.js';

/** What `/dbops grant …` (or its form) asked for, checked for shape only; the target is not read yet. */
export interface GrantRequestText {
  cluster: string;
  /** null: every schema (`prod.*`). */
  schema: string | null;
  /** null: the whole schema. */
  table: string | null;
  privileges: Privilege[];
  /** null: the requester's personal account. */
  account: Account | null;
  durationSeconds: number | null;
  reason: string | null;
}

export type GrantParse = { ok: true; request: GrantRequestText } | { ok: false; problems: string[] };

export const GRANT_USAGE = `/dbops grant cluster.schema[.table] PRIV[,PRIV…] [to user@'host'] [for 8h|7d] [because "…"]`;

/** A schema or table name as dbops accepts it in a grant: no dot, quote, backtick, space or control character. */
const NAME = /^[A-Za-z0-9_$-]{1,64}$/;

/**
 * `prod.shop.orders SELECT, SHOW VIEW to app@'10.%' for 8h because "report"`. Every problem is
 * listed (not just the first), each saying what to write instead.
 */
export function parseGrantText(text: string): GrantParse {
  const trimmed = text.trim();
  const scopeMatch = /^(\S+)\s*(.*)$/s.exec(trimmed);
  if (!scopeMatch || trimmed === '') return { ok: false, problems: [`say what to grant: ${GRANT_USAGE}`] };
  const problems: string[] = [];
  const scope = parseScope(scopeMatch[1]);
  if (!scope.ok) problems.push(scope.problem);
  const clauses = splitClauses(scopeMatch[2]);
  const privileges = parsePrivileges(clauses.privileges);
  if (!privileges.ok) problems.push(...privileges.problems);
  let account: Account | null = null;
  if (clauses.to !== undefined) {
    const parsed = parseAccount(clauses.to);
    if (parsed.ok) account = parsed.account;
    else problems.push(parsed.problem);
  }
  let durationSeconds: number | null = null;
  if (clauses.for !== undefined) {
    const seconds = parseSpan(clauses.for);
    if (seconds === null)
      problems.push(
        `\`${clauses.for}\` is not a duration dbops can read: write a number and a unit, e.g. 30m, 8h, 7d or 2w`,
      );
    else durationSeconds = seconds;
  }
  if (scope.ok && privileges.ok) problems.push(...levelProblems(scope.value, privileges.value));
  if (problems.length > 0 || !scope.ok || !privileges.ok) return { ok: false, problems };
  return {
    ok: true,
    request: {
      ...scope.value,
      privileges: privileges.value,
      account,
      durationSeconds,
      reason: clauses.because ?? null,
    },
  };
}

type Scope = Pick<GrantRequestText, 'cluster' | 'schema' | 'table'>;

function parseScope(text: string): { ok: true; value: Scope } | { ok: false; problem: string } {
  const parts = text.split('.');
  const [cluster, schema, table] = parts;
  const bad = (why: string) => ({
    ok: false as const,
    problem: `\`${text}\` ${why}: write cluster.schema, cluster.schema.table, or cluster.* for every schema`,
  });
  if (parts.length < 2 || parts.length > 3 || !cluster || !schema) return bad('is not a scope');
  if (!/^[a-z][a-z0-9_-]*$/.test(cluster)) return bad('does not start with a cluster name');
  if (schema === '*') {
    if (table !== undefined && table !== '*') return bad('names a table in every schema');
    return { ok: true, value: { cluster, schema: null, table: null } };
  }
  if (!NAME.test(schema)) return bad(`has a schema name (\`${schema}\`) dbops does not accept`);
  if (table === undefined || table === '*') return { ok: true, value: { cluster, schema, table: null } };
  if (!NAME.test(table)) return bad(`has a table name (\`${table}\`) dbops does not accept`);
  return { ok: true, value: { cluster, schema, table } };
}

interface Clauses {
  privileges: string;
  to?: string;
  for?: string;
  because?: string;
}

/** Splits `PRIVS [to …] [for …] [because …]`; `because` takes the rest (quotes optional). */
function splitClauses(text: string): Clauses {
  const because = /\s*\bbecause\b\s*(.*)$/is.exec(text);
  const head = because ? text.slice(0, because.index) : text;
  const reason = because ? unquote(because[1]) : undefined;
  const clauses: Clauses = { privileges: head };
  const padded = ` ${head}`;
  const keyword = /\s+(to|for)\s+(\S+)/gi;
  let first: number | undefined;
  for (let m = keyword.exec(padded); m; m = keyword.exec(padded)) {
    first ??= m.index;
    const word = m[1].toLowerCase() as 'to' | 'for';
    clauses[word] = m[2];
  }
  if (first !== undefined) clauses.privileges = padded.slice(0, first);
  if (reason) clauses.because = reason;
  return clauses;
}

function unquote(text: string): string | undefined {
  const t = text.trim();
  const inner = /^["“](.*)["”]$/s.exec(t)?.[1] ?? t;
  return inner.trim() === '' ? undefined : inner.trim();
}

function parsePrivileges(text: string): { ok: true; value: Privilege[] } | { ok: false; problems: string[] } {
  const words = text
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  if (words.length === 0)
    return { ok: false, problems: [`say which privileges, e.g. SELECT or SELECT,INSERT: ${GRANT_USAGE}`] };
  const problems: string[] = [];
  const found: Privilege[] = [];
  for (const word of words) {
    const privilege = canonicalPrivilege(word);
    if (privilege) {
      found.push(privilege);
      continue;
    }
    const near = closest(word.toUpperCase(), KNOWN_PRIVILEGES);
    problems.push(`\`${word}\` is not a privilege MySQL knows${near ? ` (did you mean ${near}?)` : ''}`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: sortPrivileges(found) };
}

/** MySQL refuses a global privilege on a schema, and a schema privilege on one table: say so first. */
function levelProblems(scope: Scope, privileges: readonly Privilege[]): string[] {
  const problems: string[] = [];
  for (const privilege of privileges) {
    const level = privilegeLevel(privilege);
    if (level === 'global' && scope.schema !== null)
      problems.push(`${privilege} is a global privilege: MySQL grants it only on every schema (${scope.cluster}.*)`);
    if (level === 'schema' && scope.table !== null)
      problems.push(
        `${privilege} applies to a whole schema, not one table: ask for ${scope.cluster}.${scope.schema} instead`,
      );
  }
  return problems;
}
