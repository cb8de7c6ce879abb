import { classify } from './classify.js';
import { grade } from './grade.js';
import { parseStatement } from './parse.js';
import type { ResolvedRule } from './settings.js';
import { splitStatements } from './split.js';
import { stripComments } from './strip.js';
import type { Catalog } from './catalog/catalog.js';
import type { ServerProbe } from './explain/probe.js';
import type { Finding, ReviewReport, ReviewStatement, RuleContext, StatementReport } from './types.js';

export interface ReviewOptions {
  /** The rules with their configured levels and parameters (see settings.ts). */
  rules: readonly ResolvedRule[];
  purpose?: 'review' | 'change';
  catalog?: Catalog;
  server?: ServerProbe;
  schema?: string;
  /** `cluster.schema` the review ran against, shown in reports. */
  target?: string;
}

/** Split, classify and parse a batch of SQL: what every rule reads. */
export function prepareStatements(sql: string): ReviewStatement[] {
  return splitStatements(sql).map((split, index) => {
    const stripped = stripComments(split.text);
    const parsed = parseStatement(split.text);
    return { ...split, index, stripped, kind: classify(stripped), ast: parsed.ast, parseError: parsed.error };
  });
}

/** Review a batch of SQL: every enabled rule over every statement, in order, then a grade. */
export async function reviewSql(sql: string, options: ReviewOptions): Promise<ReviewReport> {
  return reviewStatements(prepareStatements(sql), options);
}

export async function reviewStatements(batch: ReviewStatement[], options: ReviewOptions): Promise<ReviewReport> {
  const active = options.rules.filter((r) => r.level !== 'off' && canRun(r, options));
  const reports: StatementReport[] = [];
  for (const stmt of batch) {
    const findings: Finding[] = [];
    for (const { rule, level, params } of active) {
      if (rule.scope === 'batch' && stmt.index !== 0) continue;
      if (level === 'off') continue;
      const ctx: RuleContext = { stmt, batch, params, purpose: options.purpose ?? 'review', catalog: options.catalog, server: options.server, schema: options.schema };
      for (const draft of await rule.check(ctx)) {
        findings.push({
          rule: rule.id,
          severity: level,
          statement: stmt.index,
          message: draft.message,
          why: rule.why,
          fix: rule.fix,
          fragment: draft.fragment,
          line: draft.line ?? stmt.line,
          column: draft.column ?? stmt.column,
        });
      }
    }
    reports.push({ index: stmt.index, sql: stmt.text, kind: stmt.kind, line: stmt.line, column: stmt.column, findings, shards: stmt.shards });
  }
  return { statements: reports, summary: grade(reports.flatMap((r) => r.findings)), target: options.target };
}

/** A rule that needs a catalog or a live server runs only when the review has one. */
function canRun({ rule }: ResolvedRule, options: ReviewOptions): boolean {
  if (rule.needs === 'catalog') return options.catalog !== undefined;
  if (rule.needs === 'server') return options.server !== undefined;
  return true;
}
