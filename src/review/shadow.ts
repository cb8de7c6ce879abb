import { randomBytes } from 'node:crypto';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { quoteIdent } from '../db/meta.js';
import { readSchema } from '../db/schema/read-schema.js';
import { describeServerError } from '../db/server-errors.js';
import { walk } from './ast.js';
import type { CatalogTable } from './catalog/catalog.js';
import { loadCatalog, type Queryable } from './catalog/load-catalog.js';
import { useTarget } from './catalog/names.js';
import { words } from './explain/rewrite.js';
import { isQuote, skipQuoted } from './split.js';
import type { ReviewStatement, StatementKind } from './types.js';

/** Statements the shadow check applies: table and index DDL. Database-level and other objects are not run. */
const SHADOW_KINDS: ReadonlySet<StatementKind> = new Set([
  'create-table',
  'alter-table',
  'drop-table',
  'rename-table',
  'create-index',
  'drop-index',
]);

/** How long one statement may run in the shadow schema (the tables there are empty). */
const STATEMENT_TIMEOUT_MS = 30_000;

export interface ShadowDeps {
  /** The scratch server (`review.scratch_cluster`): the throwaway schema lives and dies here. */
  scratch: Pool;
  /** Where the target tables' definitions are read with SHOW CREATE TABLE (the target's replica or primary). */
  source: Queryable;
}

export interface ShadowStatementResult {
  index: number;
  /** applied: the server ran it; failed: the server refused it (see `error`); skipped: not tried (see `reason`). */
  status: 'applied' | 'failed' | 'skipped';
  /** What the server refused, in dbops' words (its own text may carry data, so it is never kept). */
  error?: string;
  /** The server's error code (e.g. ER_DUP_FIELDNAME). */
  code?: string;
  reason?: string;
  /** After an applied statement: definitions of the tables it created or changed, named in the target schema. */
  changed?: CatalogTable[];
  /** After an applied statement: tables it removed (dropped or renamed away). */
  removed?: string[];
}

export interface ShadowResult {
  /** The target schema whose tables were copied. */
  schema: string;
  /** The throwaway schema used (already dropped). */
  shadowSchema: string;
  /** Per statement index, for the DDL statements of the batch. */
  statements: Map<number, ShadowStatementResult>;
  /** SHOW CREATE TABLE of every shadow table after the whole batch, by table name. */
  definitions: Map<string, string>;
  /** Tables whose definition could not be copied from the target, with what went wrong. */
  copyErrors: Map<string, string>;
  /** Set when the check could not run at all (scratch server unreachable, no privilege). */
  setupError?: string;
  /** Set when dropping the shadow schema failed (a DBA should drop it by hand). */
  cleanupError?: string;
}

/** Runs the shadow check for a batch; the engine calls it once, before reviewing the statements. */
export type ShadowRunner = (batch: readonly ReviewStatement[], schema: string | undefined) => Promise<ShadowResult>;

export function shadowRunner(deps: ShadowDeps): ShadowRunner {
  return (batch, schema) => shadowApply(batch, schema, deps);
}

/**
 * Apply the batch's table DDL to copies of the target tables' definitions in a throwaway schema
 * `dbops_shadow_<random>` on the scratch server: copy each table the DDL names (SHOW CREATE TABLE
 * on the target, recreated empty), run the DDL statement by statement, record the server's answer
 * and the definitions that result, and always drop the schema at the end.
 */
export async function shadowApply(
  batch: readonly ReviewStatement[],
  schema: string | undefined,
  deps: ShadowDeps,
): Promise<ShadowResult> {
  const shadowSchema = `dbops_shadow_${randomBytes(6).toString('hex')}`;
  const result: ShadowResult = {
    schema: schema ?? '',
    shadowSchema,
    statements: new Map(),
    definitions: new Map(),
    copyErrors: new Map(),
  };
  const plan = planStatements(batch, schema, result);
  if (!schema || plan.length === 0) return result;
  let conn: PoolConnection | undefined;
  let created = false;
  try {
    const existing = await baseTables(deps.source, schema);
    conn = await deps.scratch.getConnection();
    await conn.query(`CREATE DATABASE ${quoteIdent(shadowSchema)}`);
    created = true;
    await conn.query(`USE ${quoteIdent(shadowSchema)}`);
    await conn.query('SET SESSION foreign_key_checks = 0');
    await copyTables(conn, deps.source, schema, referencedTables(plan, existing), result);
    let before = await snapshot(conn, shadowSchema);
    for (const stmt of plan) {
      const outcome = await applyOne(conn, stmt, schema, shadowSchema);
      if (outcome.status === 'applied') {
        const after = await snapshot(conn, shadowSchema);
        Object.assign(outcome, diff(before, after, schema));
        before = after;
      }
      result.statements.set(stmt.index, outcome);
    }
    await readDefinitions(conn, before, result);
  } catch (err) {
    result.setupError = describeServerError(err, { sql: '' });
  } finally {
    if (conn) {
      if (created)
        await conn
          .query(`DROP DATABASE IF EXISTS ${quoteIdent(shadowSchema)}`)
          .catch((err: unknown) => (result.cleanupError = describeServerError(err, { sql: '' })));
      // The session changed (foreign_key_checks, default schema): never hand it back to the pool.
      conn.destroy();
    }
  }
  return result;
}

/** The DDL statements to apply; others of interest get a 'skipped' result with the reason. */
function planStatements(
  batch: readonly ReviewStatement[],
  schema: string | undefined,
  result: ShadowResult,
): ReviewStatement[] {
  const plan: ReviewStatement[] = [];
  let current = schema;
  for (const stmt of batch) {
    if (stmt.kind === 'use') current = useTarget(stmt.stripped) ?? current;
    const skip = (reason: string) =>
      result.statements.set(stmt.index, { index: stmt.index, status: 'skipped', reason });
    if (stmt.kind === 'create-database' || stmt.kind === 'drop-database') {
      skip('database-level statements are not run in the shadow schema');
      continue;
    }
    if (!SHADOW_KINDS.has(stmt.kind)) continue;
    if (!schema) skip('the review has no target schema');
    else if (!current || current.toLowerCase() !== schema.toLowerCase())
      skip(`it runs in schema \`${current ?? '?'}\` (after USE), not the target \`${schema}\``);
    else if (readsRows(stmt))
      skip('it copies rows with a SELECT, and dbops runs no query of a change before it is approved');
    else {
      const foreign = foreignQualifier(stmt, schema);
      if (foreign) skip(`it names schema \`${foreign}\`; only the target schema \`${schema}\` is copied`);
      else plan.push(stmt);
    }
  }
  return plan;
}

/** `CREATE TABLE … [AS] SELECT …`: applying it would run the query (functions, subqueries and all). */
function readsRows(stmt: ReviewStatement): boolean {
  for (const word of words(stmt.stripped)) if (word.upper === 'SELECT') return true;
  return false;
}

/** A schema qualifier other than the target's, read from the AST (or, unparsed, from `a.b` names). */
function foreignQualifier(stmt: ReviewStatement, schema: string): string | undefined {
  const target = schema.toLowerCase();
  let found: string | undefined;
  if (stmt.ast) {
    walk(stmt.ast, (n) => {
      if (typeof n.db === 'string' && n.db !== '' && n.db.toLowerCase() !== target && typeof n.table === 'string')
        found ??= n.db;
    });
    return found;
  }
  for (const name of names(stmt.stripped)) {
    if (name.qualifies && name.value.toLowerCase() !== target) return name.value;
  }
  return undefined;
}

interface Name {
  value: string;
  start: number;
  end: number;
  /** Followed by `.` and another name: a qualifier (schema, or table of a column). */
  qualifies: boolean;
}

/** Bare words and backtick-quoted identifiers of comment-stripped SQL, numbers and strings left out. */
function names(sql: string): Name[] {
  const out: Name[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    const start = i;
    let end: number;
    let value: string;
    if (isQuote(c)) {
      end = skipQuoted(sql, i);
      if (c !== 96) {
        i = end;
        continue;
      }
      value = sql.slice(i + 1, end - 1).replaceAll('``', '`');
    } else if (isNameChar(c)) {
      end = i + 1;
      while (end < n && isNameChar(sql.charCodeAt(end))) end++;
      value = sql.slice(i, end);
      if (/^\d+(e\d*)?$/i.test(value)) {
        i = end;
        continue;
      }
    } else {
      i++;
      continue;
    }
    let j = end;
    while (j < n && sql.charCodeAt(j) === 32) j++;
    const qualifies =
      sql.charCodeAt(j) === 46 &&
      (isNameChar(sql.charCodeAt(j + 1)) || sql.charCodeAt(j + 1) === 96 || sql.charCodeAt(j + 1) === 32);
    out.push({ value, start, end, qualifies });
    i = end;
  }
  return out;
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;
}

/** The statement's text with the target schema's qualifiers pointed at the shadow schema. */
export function requalify(sql: string, schema: string, shadowSchema: string): string {
  const target = schema.toLowerCase();
  let out = '';
  let at = 0;
  for (const name of names(sql)) {
    if (!name.qualifies || name.value.toLowerCase() !== target) continue;
    out += sql.slice(at, name.start) + quoteIdent(shadowSchema);
    at = name.end;
  }
  return out + sql.slice(at);
}

async function baseTables(source: Queryable, schema: string): Promise<Set<string>> {
  const { tables } = await readSchema(source, schema);
  return new Set([...tables.values()].filter((t) => t.type === 'BASE TABLE').map((t) => t.name));
}

/** Tables of the target the DDL names: every identifier of the statements that is an existing table. */
function referencedTables(plan: readonly ReviewStatement[], existing: ReadonlySet<string>): string[] {
  const byLower = new Map([...existing].map((t) => [t.toLowerCase(), t]));
  const found = new Set<string>();
  for (const stmt of plan) {
    for (const name of names(stmt.stripped)) {
      const table = byLower.get(name.value.toLowerCase());
      if (table) found.add(table);
    }
  }
  return [...found];
}

async function copyTables(
  conn: PoolConnection,
  source: Queryable,
  schema: string,
  tables: readonly string[],
  result: ShadowResult,
): Promise<void> {
  for (const table of tables) {
    try {
      const [rows] = await source.query<RowDataPacket[]>(
        `SHOW CREATE TABLE ${quoteIdent(schema)}.${quoteIdent(table)}`,
      );
      const create = rows[0]?.['Create Table'];
      if (typeof create !== 'string') continue; // a view
      await conn.query(create);
    } catch (err) {
      result.copyErrors.set(table, describeServerError(err, { sql: quoteIdent(table) }));
    }
  }
}

async function applyOne(
  conn: PoolConnection,
  stmt: ReviewStatement,
  schema: string,
  shadowSchema: string,
): Promise<ShadowStatementResult> {
  try {
    await conn.query({ sql: requalify(stmt.stripped, schema, shadowSchema), timeout: STATEMENT_TIMEOUT_MS });
    return { index: stmt.index, status: 'applied' };
  } catch (err) {
    return {
      index: stmt.index,
      status: 'failed',
      error: describeServerError(err, { sql: stmt.stripped }),
      code: codeOf(err),
    };
  }
}

type Snapshot = Map<string, { table: CatalogTable; json: string }>;

async function snapshot(conn: PoolConnection, shadowSchema: string): Promise<Snapshot> {
  const catalog = await loadCatalog(conn, [shadowSchema]);
  return new Map(
    catalog
      .tables(shadowSchema)
      .map((table) => [
        table.name,
        { table, json: JSON.stringify({ ...table, rows: 0, dataBytes: 0, indexBytes: 0 }) },
      ]),
  );
}

/** Tables created, changed or removed between two snapshots, renamed into the target schema. */
function diff(before: Snapshot, after: Snapshot, schema: string): Pick<ShadowStatementResult, 'changed' | 'removed'> {
  const changed: CatalogTable[] = [];
  for (const [name, entry] of after) {
    if (before.get(name)?.json !== entry.json) {
      const { rows: _rows, dataBytes: _data, indexBytes: _index, ...definition } = entry.table;
      changed.push({ ...definition, schema });
    }
  }
  const removed = [...before.keys()].filter((name) => !after.has(name));
  return { changed, removed };
}

async function readDefinitions(conn: PoolConnection, last: Snapshot, result: ShadowResult): Promise<void> {
  for (const name of last.keys()) {
    const [rows] = await conn.query<RowDataPacket[]>(`SHOW CREATE TABLE ${quoteIdent(name)}`);
    const create = rows[0]?.['Create Table'];
    if (typeof create === 'string') result.definitions.set(name, create);
  }
}

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}
