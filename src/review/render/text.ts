import type { ReviewReport } from '../types.js';

/** Plain-text report for terminals and CI logs: `file:line:col severity rule message`. */
export function renderText(report: ReviewReport, source = '<stdin>'): string {
  const lines: string[] = [];
  for (const stmt of report.statements) {
    for (const f of stmt.findings) {
      lines.push(`${source}:${f.line}:${f.column}: ${f.severity} [${f.rule}] ${f.message}`);
      if (f.fragment) lines.push(`    > ${f.fragment.replace(/\s+/g, ' ').slice(0, 160)}`);
      lines.push(`    why: ${f.why}`);
      lines.push(`    fix: ${f.fix}`);
    }
  }
  const s = report.summary;
  lines.push(
    `${report.statements.length} statement(s): ${s.errors} error(s), ${s.warnings} warning(s), ${s.notices} notice(s); score ${s.score}/100, grade ${s.grade}`,
  );
  return lines.join('\n') + '\n';
}
