import { redactSecrets } from './redact.js';
import { estimatedChangedRows } from './explain/statement-rows.js';
import { statementPlan } from './explain/statement-plan.js';
import { changesTables } from './catalog/batch.js';
import { classify } from './classify.js';
import { grade } from './grade.js';
import { parseStatement } from './parse.js';
import type { ResolvedRule } from './settings.js';
import { splitStatements } from './split.js';
import { stripComments } from './strip.js';
import type { Catalog } from './catalog/catalog.js';
import { applyDdl } from './catalog/apply-ddl.js';
import { BATCH_SCHEMA } from './catalog/batch-state.js';
import { MemoryCatalog } from './catalog/memory-catalog.js';
import { useTarget } from './catalog/names.js';
import type { ServerProbe } from './explain/probe.js';
import type { ShadowResult, ShadowRunner } from './shadow.js';
import { expandShards, shardSets, type ShardConfig } from './shards.js';
import { SEVERITIES } from './types.js';
import { clipFragment, codeStart, fragmentPosition } from './fragment.js';
import type {
  Finding,
  Severity,
  ReviewReport,
  ReviewStatement,
  RuleContext,
  SplitStatement,
  StatementKind,
  StatementReport,
} from './types.js';
import { performance } from 'node:perf_hooks';

export interface ReviewOptions {
  /** The rules with their configured levels and parameters (see settings.ts). */
  rules: readonly ResolvedRule[];
  purpose?: 'review' | 'change';
  /**
   * `dbops` when dbops wrote the SQL itself (the rollback script): the rules about its form, which
   * dbops chose on purpose (`IN (SELECT …)` from the backup table, a subquery the dry run will not
   * send), are not applied; the rules about what it does still are.
   */
  authoredBy?: 'user' | 'dbops';
  /** Catalog of the target; the engine updates it in place after each DDL statement of the batch. */
  catalog?: Catalog;
  server?: ServerProbe;
  schema?: string;
  /** `cluster.schema` the review ran against, shown in reports. */
  target?: string;
  /** `review.shards` of the config: logical sharded tables and their physical shards. */
  shards?: ShardConfig;
  /** Runs the shadow check (builtin.shadow-apply) once, before the statements are reviewed. */
  shadow?: ShadowRunner;
  /**
   * Ask for the batch's EXPLAINs all at once, before the rules run (default); false asks for each
   * statement's when its rules do, one after another (the benchmark's baseline).
   */
  prefetch?: boolean;
}

export interface PrepareOptions {
  /** `review.shards`: a logical table name in the SQL stands for its shards. Patterns such as `orders_{0..511}` expand without it. */
  shards?: ShardConfig;
}

/** The id of the shadow check, which the engine runs before the statements when it is enabled. */
const SHADOW_RULE = 'builtin.shadow-apply';
const SHADOW_KINDS: ReadonlySet<StatementKind> = new Set([
  'create-table',
  'alter-table',
  'drop-table',
  'rename-table',
  'create-index',
  'drop-index',
]);

/**
 * Split, classify and parse a batch of SQL: what every rule reads. A sharded table (`orders_{0..511}`,
 * or a logical name from `review.shards`) is rewritten to its first shard, which is what gets parsed
 * and reviewed; `shards` on the statement says which set it stands for.
 */
export function prepareStatements(sql: string, options: PrepareOptions = {}): ReviewStatement[] {
  const sets = shardSets(options.shards ?? {});
  return splitStatements(sql).map((split, index) => prepareOne(split, index, sets));
}

/**
 * The same, giving the event loop a turn every few milliseconds: a 1 MB paste takes seconds to
 * parse, and meanwhile the process must still acknowledge other Slack requests within 3 s.
 */
export async function prepareStatementsYielding(sql: string, options: PrepareOptions = {}): Promise<ReviewStatement[]> {
  const sets = shardSets(options.shards ?? {});
  const prepared: ReviewStatement[] = [];
  let sliceStarted = performance.now();
  for (const [index, split] of splitStatements(sql).entries()) {
    prepared.push(prepareOne(split, index, sets));
    if (performance.now() - sliceStarted > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      sliceStarted = performance.now();
    }
  }
  return prepared;
}

const YIELD_EVERY_MS = 20;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function prepareOne(split: SplitStatement, index: number, sets: ReturnType<typeof shardSets>): ReviewStatement {
  const { text, shards } = expandShards(split, sets);
  const stripped = stripComments(text);
  const parsed = parseStatement(text);
  const stmt: ReviewStatement = {
    ...split,
    text,
    index,
    stripped,
    kind: classify(stripped),
    ast: parsed.ast,
    parseError: parsed.error,
  };
  if (shards) stmt.shards = shards;
  return stmt;
}

/** Review a batch of SQL: every enabled rule over every statement, in order, then a grade. */
export async function reviewSql(sql: string, options: ReviewOptions): Promise<ReviewReport> {
  return reviewStatements(await prepareStatementsYielding(sql, { shards: options.shards }), options);
}

/**
 * Review prepared statements in order. Each statement's rules see the catalog as the earlier
 * statements left it; then its DDL is applied to the catalog (from the shadow check's definitions
 * when it ran, else from the statement itself). A USE statement changes the default schema.
 */
export async function reviewStatements(batch: ReviewStatement[], options: ReviewOptions): Promise<ReviewReport> {
  const active = options.rules.filter((r) => r.level !== 'off' && canRun(r, options));
  prefetchPlans(batch, options, active);
  const shadow = await runShadow(batch, options, active);
  const reports: StatementReport[] = [];
  let schema = options.schema;
  // Without a target, the batch's own CREATE/ALTER statements still tell later ones what a table is.
  const tables = options.catalog ?? new MemoryCatalog();
  let sliceStarted = performance.now();
  for (const stmt of batch) {
    if (performance.now() - sliceStarted > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      sliceStarted = performance.now();
    }
    const findings: Finding[] = [];
    const start = codeStart(stmt);
    for (const { rule, level, params } of active) {
      if (rule.scope === 'batch' && stmt.index !== 0) continue;
      if (level === 'off') continue;
      const ctx: RuleContext = {
        stmt,
        batch,
        params,
        purpose: options.purpose ?? 'review',
        catalog: options.catalog,
        tables,
        server: options.server,
        schema,
        shadow,
      };
      // Most rules answer at once; awaiting only a promise spares 5,000 statements × every rule a microtask turn.
      const checked = rule.check(ctx);
      for (const draft of checked instanceof Promise ? await checked : checked) {
        if (options.authoredBy === 'dbops' && isAboutOwnForm(rule.id, draft)) continue;
        const at =
          draft.line !== undefined
            ? { line: draft.line, column: draft.column ?? start.column }
            : draft.fragment !== undefined
              ? fragmentPosition(stmt, draft.fragment)
              : {};
        findings.push({
          rule: rule.id,
          severity: atMost(level, draft.severity),
          statement: stmt.index,
          message: draft.message,
          why: rule.why,
          fix: rule.fix,
          fragment: draft.fragment === undefined ? undefined : clipFragment(redactSecrets(draft.fragment)),
          line: at.line ?? start.line,
          column: at.column ?? start.column,
        });
      }
    }
    // In the order of the SQL (a stable sort: rules keep their order at one place).
    findings.sort((a, b) => a.line - b.line || a.column - b.column);
    const report: StatementReport = {
      index: stmt.index,
      sql: redactSecrets(stmt.text),
      kind: stmt.kind,
      line: start.line,
      column: start.column,
      findings,
      shards: stmt.shards,
    };
    if (stmt.kind === 'update' || stmt.kind === 'delete')
      report.estimatedRows = await estimatedChangedRows({
        stmt,
        batch,
        server: options.server,
        schema,
        catalog: options.catalog,
      });
    reports.push(report);
    if (options.catalog) updateCatalog(options.catalog, stmt, schema, shadow);
    else applyDdl(tables, stmt, schema ?? BATCH_SCHEMA);
    if (stmt.kind === 'use') schema = useTarget(stmt.stripped) ?? schema;
  }
  return { statements: reports, summary: grade(reports.flatMap((r) => r.findings)), target: options.target };
}

/**
 * Ask the server for every statement's EXPLAIN at once, so the probe runs them side by side on its
 * few sessions while the rules go statement by statement (statementPlan keeps each answer for the
 * rules that ask). Only where every statement sees the same tables and schema as at the start: a
 * batch without table DDL or USE. UPDATE and DELETE are always explained (the row estimate); other
 * statements only when a rule reads the server.
 */
function prefetchPlans(
  batch: readonly ReviewStatement[],
  options: ReviewOptions,
  active: readonly ResolvedRule[],
): void {
  const { server } = options;
  if (
    !server ||
    options.prefetch === false ||
    batch.length < 2 ||
    changesTables(batch) ||
    batch.some((s) => s.kind === 'use')
  )
    return;
  const serverRules = active.some((r) => r.rule.needs === 'server');
  for (const stmt of batch) {
    if (!serverRules && stmt.kind !== 'update' && stmt.kind !== 'delete') continue;
    const plan = statementPlan({ stmt, batch, server, schema: options.schema, catalog: options.catalog });
    plan.catch(() => undefined); // a rule that asks gets the same answer, failure included
  }
}

/** Rules about the form of SQL, which do not apply to the SQL dbops writes itself. */
const OWN_FORM_RULES: ReadonlySet<string> = new Set([
  'statement.subquery.in-subquery',
  'statement.dml.join',
  'statement.insert.row-limit',
  'statement.max-statements',
]);

/** A finding about how dbops' own SQL is written, not what it does; the dry run not attempted (a capped finding) is one. */
function isAboutOwnForm(rule: string, draft: { severity?: Severity }): boolean {
  return OWN_FORM_RULES.has(rule) || (rule === 'statement.dml-dry-run' && draft.severity !== undefined);
}

/** The rule's level, lowered to the finding's own cap when it has one. */
function atMost(level: Severity, cap: Severity | undefined): Severity {
  return cap !== undefined && SEVERITIES.indexOf(cap) > SEVERITIES.indexOf(level) ? cap : level;
}

/** The shadow check runs when it is enabled, the review can run it, and the batch has table DDL. */
async function runShadow(
  batch: readonly ReviewStatement[],
  options: ReviewOptions,
  active: readonly ResolvedRule[],
): Promise<ShadowResult | undefined> {
  if (!options.shadow || !active.some((r) => r.rule.id === SHADOW_RULE)) return undefined;
  if (!batch.some((s) => SHADOW_KINDS.has(s.kind))) return undefined;
  return options.shadow(batch, options.schema);
}

/**
 * Apply a statement's schema change to the catalog. When the shadow check ran it, the server's own
 * result is used (and a statement the server refused changes nothing); otherwise apply-ddl reads it.
 */
function updateCatalog(
  catalog: Catalog,
  stmt: ReviewStatement,
  schema: string | undefined,
  shadow: ShadowResult | undefined,
): void {
  const outcome = shadow?.statements.get(stmt.index);
  if (outcome?.status === 'failed') return;
  if (outcome?.status !== 'applied' || !outcome.changed) {
    applyDdl(catalog, stmt, schema);
    return;
  }
  const target = shadow?.schema ?? schema ?? '';
  const removed = (outcome.removed ?? []).map((name) => catalog.getTable(target, name));
  for (const name of outcome.removed ?? []) catalog.dropTable(target, name);
  for (const table of outcome.changed) {
    // Copies in the shadow schema are empty: keep the real table's size estimates (a renamed table's too).
    const old = catalog.getTable(table.schema, table.name) ?? (removed.length === 1 ? removed[0] : undefined);
    catalog.putTable({
      ...table,
      rows: old?.rows ?? 0,
      dataBytes: old?.dataBytes ?? 0,
      indexBytes: old?.indexBytes ?? 0,
    });
  }
}

/** A rule that needs a catalog or a live server runs only when the review has one. */
function canRun({ rule }: ResolvedRule, options: ReviewOptions): boolean {
  if (rule.needs === 'catalog') return options.catalog !== undefined;
  if (rule.needs === 'server') return options.server !== undefined;
  return true;
}
