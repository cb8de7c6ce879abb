import { headline } from '../grade.js';
import type { ReviewReport } from '../types.js';
import { groupFindings, placesText } from './groups.js';

/**
 * Plain-text report for terminals and CI logs, in the order of the SQL: `file:line:col severity
 * [rule] message`, then the fragment, why and how to fix. A rule that fires on many statements is
 * said once, with `×N: statements …`; the closing line is the verdict.
 */
export function renderText(report: ReviewReport, source = '<stdin>'): string {
  const lines: string[] = [];
  for (const group of groupFindings(report)) {
    const f = group.first;
    const places = placesText(group);
    const message = group.sameMessage ? f.message : `${f.message} (and the like)`;
    lines.push(`${source}:${f.line}:${f.column}: ${f.severity} [${f.rule}] ${message}${places ? ` ${places}` : ''}`);
    if (f.fragment) lines.push(`    > ${f.fragment}`);
    lines.push(`    why: ${f.why}`);
    lines.push(`    fix: ${f.fix}`);
  }
  const n = report.statements.length;
  lines.push(`${n} statement${n === 1 ? '' : 's'} reviewed: ${headline(report.summary)}`);
  return `${lines.join('\n')}\n`;
}
