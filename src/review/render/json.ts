import type { ReviewReport } from '../types.js';

/** The JSON report of ARCHITECTURE.md ("Review engine contract"); extra fields only add to it. */
export function renderJson(report: ReviewReport): string {
  const statements = report.statements.map((s) => ({
    index: s.index,
    sql: s.sql,
    kind: s.kind,
    line: s.line,
    ...(s.shards ? { shards: s.shards } : {}),
    findings: s.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      line: f.line,
      column: f.column,
      why: f.why,
      fix: f.fix,
      ...(f.fragment ? { fragment: f.fragment } : {}),
    })),
  }));
  return `${JSON.stringify(
    { ...(report.target ? { target: report.target } : {}), statements, summary: report.summary },
    null,
    2,
  )}\n`;
}
