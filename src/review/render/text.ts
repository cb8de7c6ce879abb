import { headline } from '../grade.js';
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
  const n = report.statements.length;
  lines.push(`${n} statement${n === 1 ? '' : 's'} reviewed: ${headline(report.summary)}`);
  return lines.join('\n') + '\n';
}
