import type { Finding, ReviewReport } from '../types.js';

/** One rule's findings at one severity across the batch: said once, with where it applies. */
export interface FindingGroup {
  rule: string;
  severity: Finding['severity'];
  /** The first finding by position: its message, fragment and place lead the group. */
  first: Finding;
  findings: Finding[];
  /** Every finding of the group says the same thing (only the place differs). */
  sameMessage: boolean;
}

const PLACES_SHOWN = 8;

/** Findings in the order they appear in the SQL: line, then column (both absolute in the input), then statement. */
export function byPosition(a: Finding, b: Finding): number {
  return a.line - b.line || a.column - b.column || a.statement - b.statement;
}

/** The report's findings grouped by rule and severity, each group at its first finding's place, in position order. */
export function groupFindings(report: ReviewReport): FindingGroup[] {
  const all = report.statements.flatMap((s) => s.findings).sort(byPosition);
  const groups = new Map<string, FindingGroup>();
  for (const finding of all) {
    const key = `${finding.rule}\u0000${finding.severity}`;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, {
        rule: finding.rule,
        severity: finding.severity,
        first: finding,
        findings: [finding],
        sameMessage: true,
      });
      continue;
    }
    group.findings.push(finding);
    if (finding.message !== group.first.message) group.sameMessage = false;
  }
  return [...groups.values()];
}

/**
 * Where a group applies, for a reader: `×40: statements 3, 5, 9 …` across statements, `×5: lines
 * 4, 5, 6` within one; '' for a single finding.
 */
export function placesText(group: FindingGroup): string {
  const n = group.findings.length;
  if (n < 2) return '';
  const statements = [...new Set(group.findings.map((f) => f.statement + 1))];
  const [noun, list] =
    statements.length > 1 ? ['statements', statements] : ['lines', [...new Set(group.findings.map((f) => f.line))]];
  const shown = list.slice(0, PLACES_SHOWN).join(', ');
  return `×${n}: ${noun} ${shown}${list.length > PLACES_SHOWN ? ' …' : ''}`;
}
