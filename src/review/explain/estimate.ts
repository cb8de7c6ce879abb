import type { ReviewStatement } from '../types.js';
import type { ExplainRow, ServerProbe } from './probe.js';
import { dmlAsSelect, words } from './rewrite.js';

/** Numeric parts of a version string: `10.11.19-MariaDB-0+deb12u1` → [10, 11, 19]. */
export function versionParts(version: string): number[] {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
}

export function versionAtLeast(version: string, wanted: readonly number[]): boolean {
  const have = versionParts(version);
  for (let i = 0; i < wanted.length; i++) {
    if (have[i] !== wanted[i]) return (have[i] ?? 0) > wanted[i];
  }
  return true;
}

const READS = new Set(['select']);
const CHANGES = new Set(['update', 'delete']);

/**
 * The text to EXPLAIN for a statement: a SELECT as it is (comment-stripped), and for UPDATE and
 * DELETE the SELECT of the rows they would change. EXPLAIN runs in a read-only session, where
 * servers refuse to EXPLAIN a write (and MySQL before 5.6.3 and MariaDB before 10.0.5 never
 * could). Null for other statements (INSERT has its own steps in statement-plan.ts; DDL, SET, …).
 */
export function explainableSql(stmt: Pick<ReviewStatement, 'kind' | 'stripped'>): {
  sql: string;
  rewritten: boolean;
} | null {
  if (READS.has(stmt.kind)) return { sql: stmt.stripped, rewritten: false };
  if (!CHANGES.has(stmt.kind)) return null;
  const select = dmlAsSelect(stmt.stripped);
  return select ? { sql: select, rewritten: true } : null;
}

/** Extra texts meaning the statement touches no row at all. */
const NO_ROWS = /impossible where|no matching row in const table|no matching min\/max row|impossible having/i;

/**
 * Rows the main query of a plan produces: the product over the rows sharing the first SELECT id
 * (a join's row counts multiply), each scaled by `filtered` when the server gave it. When the
 * changed table is named, the estimate is capped at the rows examined in that table. Null when
 * the server gave no estimate.
 */
export function estimateFromPlan(plan: readonly ExplainRow[], table?: string): number | null {
  if (plan.some((r) => NO_ROWS.test(r.extra ?? ''))) return 0;
  const mainId = plan[0]?.id ?? null;
  const main = plan.filter((r) => (r.id ?? null) === mainId && !/^(INSERT|REPLACE)$/i.test(r.selectType ?? ''));
  if (main.length === 0 || main.some((r) => r.rowsKnown === false)) return null;
  let product = 1;
  for (const row of main) product *= (row.rows * (row.filtered ?? 100)) / 100;
  const own = table ? main.filter((r) => r.table !== null && r.table.toLowerCase() === table.toLowerCase()) : [];
  const cap = own.length > 0 ? Math.max(...own.map((r) => r.rows)) : Infinity;
  return Math.round(Math.min(product, cap));
}

export interface RowEstimate {
  /** Estimated rows the statement reads or changes; null when the server could not say. */
  rows: number | null;
  plan: ExplainRow[];
  /** The text that was EXPLAINed. */
  sql: string;
  /** True when an UPDATE/DELETE was rewritten to a SELECT to EXPLAIN it. */
  rewritten: boolean;
}

/**
 * EXPLAIN a statement and estimate the rows it touches. Null when the statement is not one EXPLAIN
 * takes; throws when EXPLAIN fails (missing table or column, bad syntax) or is refused (ExplainRefused).
 */
export async function estimateRows(
  probe: ServerProbe,
  stmt: Pick<ReviewStatement, 'kind' | 'stripped'>,
  schema?: string,
  table?: string,
): Promise<RowEstimate | null> {
  const explainable = explainableSql(stmt);
  if (!explainable) return null;
  const plan = await probe.explain(explainable.sql, schema);
  return { rows: estimateFromPlan(plan, table), plan, ...explainable };
}

/** The row count of an UPDATE/DELETE's own `LIMIT n` (top level, not a subquery's); undefined without one. */
export function dmlLimit(stripped: string): number | undefined {
  let limit: number | undefined;
  for (const w of words(stripped)) {
    if (w.depth !== 0 || w.upper !== 'LIMIT') continue;
    const match = /^\s*(\d+)/.exec(stripped.slice(w.end, w.end + 24));
    limit = match ? Number(match[1]) : undefined;
  }
  return limit;
}
