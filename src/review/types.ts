import type { z } from 'zod';
import type { Catalog } from './catalog/catalog.js';
import type { ServerProbe } from './explain/probe.js';
import type { ShadowResult } from './shadow.js';

export const SEVERITIES = ['error', 'warning', 'notice'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type RuleLevel = Severity | 'off';

/** What a rule needs to run: the SQL text alone, a schema catalog, or a live server. */
export type RuleNeed = 'text' | 'catalog' | 'server';

/** A statement as the splitter found it in the submitted text. */
export interface SplitStatement {
  /** The statement's text as written, without the trailing delimiter. */
  text: string;
  /** 1-based line and column where the statement starts in the whole input. */
  line: number;
  column: number;
  /** Offset of `text` in the whole input. */
  offset: number;
  /** The delimiter that ended it (`;` or a DELIMITER-set one such as `$$`), or '' at end of input. */
  delimiter: string;
}

/** Coarse statement class, from the first keywords of the comment-stripped text. */
export type StatementKind =
  | 'select'
  | 'insert'
  | 'replace'
  | 'update'
  | 'delete'
  | 'truncate'
  | 'create-table'
  | 'alter-table'
  | 'drop-table'
  | 'rename-table'
  | 'create-index'
  | 'drop-index'
  | 'create-database'
  | 'drop-database'
  | 'create-view'
  | 'drop-view'
  | 'create-trigger'
  | 'create-procedure'
  | 'create-function'
  | 'create-event'
  | 'drop-other'
  | 'grant'
  | 'revoke'
  | 'create-user'
  | 'transaction'
  | 'set'
  | 'use'
  | 'show'
  | 'explain'
  | 'load-data'
  | 'call'
  | 'other';

export interface ReviewStatement extends SplitStatement {
  index: number;
  /** Text with comments removed and whitespace collapsed; what classification reads. */
  stripped: string;
  kind: StatementKind;
  /** node-sql-parser AST (one statement), or null when the parser could not read it. */
  ast: AnyAst | null;
  parseError: ParseFailure | null;
  /** When a sharded-table pattern was expanded, how many shards this statement stands for. */
  shards?: { pattern: string; count: number; tables: string[] };
}

export interface ParseFailure {
  message: string;
  /** Position inside the statement text (1-based), when the parser gave one. */
  line?: number;
  column?: number;
  expected?: string[];
  found?: string | null;
  /**
   * Set when the statement is valid MySQL the parser cannot read (`<=>`, NATURAL JOIN, RENAME
   * INDEX): the constructs in question. Rules then read it from its tokens; it is no syntax error.
   */
  readable?: string;
}

/** node-sql-parser's AST is loosely typed; rules read it through helpers in ast.ts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAst = any;

/** What a rule reports; the engine adds rule id, severity and statement index. */
export interface FindingDraft {
  message: string;
  /** The offending fragment, quoted in the report. */
  fragment?: string;
  /** Absolute 1-based line/column in the input; defaults to the statement's start. */
  line?: number;
  column?: number;
  /**
   * At most this severity: a rule may report a lesser problem than its configured level (the dry
   * run that was not attempted is no rejection), never a worse one.
   */
  severity?: Severity;
}

export interface Finding {
  rule: string;
  severity: Severity;
  statement: number;
  message: string;
  why: string;
  fix: string;
  fragment?: string;
  line: number;
  column: number;
}

export interface RuleContext<P = Record<string, unknown>> {
  stmt: ReviewStatement;
  /** Every statement in the batch, in order (for batch rules such as max-statements). */
  batch: readonly ReviewStatement[];
  params: P;
  /** Is this review for a change ticket (exec) rather than a plain review? */
  purpose: 'review' | 'change';
  /** Schema catalog of the target, updated by earlier DDL in the batch; absent without a target. */
  catalog?: Catalog;
  /**
   * The tables as the earlier statements of the batch left them: the target's catalog when the
   * review has one, else what the batch itself created (in `BATCH_SCHEMA` when unqualified). Rules
   * that judge a table's end state read it through catalog/batch-state.ts.
   */
  tables?: Catalog;
  /** Live server access (EXPLAIN on a replica); absent without a target. */
  server?: ServerProbe;
  /** Default schema of the target (`cluster.schema`), if any; follows USE statements of the batch. */
  schema?: string;
  /**
   * The shadow check's outcome (builtin.shadow-apply): the batch's DDL applied to copies of the
   * target tables on the scratch server. Absent when no scratch server is configured, the batch
   * has no DDL, or the shadow rule is off.
   */
  shadow?: ShadowResult;
}

export interface Rule<P extends z.ZodType = z.ZodType> {
  id: string;
  /** Default severity: the prod profile. */
  severity: Severity;
  needs: RuleNeed;
  /** One line: what the rule checks. */
  summary: string;
  /** Why it matters, in words an application developer understands. */
  why: string;
  /** How to fix it. */
  fix: string;
  /** zod schema of the rule's parameters, with defaults; `{}` when it takes none. */
  params?: P;
  /** Batch rules run once per batch (on the first statement) instead of per statement. */
  scope?: 'statement' | 'batch';
  check(ctx: RuleContext<z.infer<P>>): FindingDraft[] | Promise<FindingDraft[]>;
}

/** The headline of a review: blocked (an error), passes with findings (warnings or notices), or clean. */
export type Verdict = 'blocked' | 'passes-with-findings' | 'clean';

export interface ReviewSummary {
  verdict: Verdict;
  errors: number;
  warnings: number;
  notices: number;
  score: number;
  grade: string;
}

export interface StatementReport {
  index: number;
  sql: string;
  kind: StatementKind;
  line: number;
  column: number;
  findings: Finding[];
  shards?: ReviewStatement['shards'];
  /** UPDATE/DELETE: rows the server's EXPLAIN expects it to change; null when unknown (no target). */
  estimatedRows?: number | null;
}

export interface ReviewReport {
  statements: StatementReport[];
  summary: ReviewSummary;
  target?: string;
}

/**
 * Rows a batch's UPDATEs and DELETEs are expected to change in all, or null when any of them has
 * no estimate (or there is no such statement): a ticket's approved estimate, checked when it runs.
 */
export function batchEstimatedRows(report: ReviewReport): number | null {
  const dml = report.statements.filter((s) => s.kind === 'update' || s.kind === 'delete');
  if (dml.length === 0) return null;
  let total = 0;
  for (const s of dml) {
    if (s.estimatedRows === undefined || s.estimatedRows === null) return null;
    total += s.estimatedRows * (s.shards?.count ?? 1);
  }
  return total;
}
