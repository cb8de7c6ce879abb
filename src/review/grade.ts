import type { Finding, ReviewSummary } from './types.js';

/** Points each finding costs; documented in README ("How the grade is computed"). */
export const PENALTY = { error: 25, warning: 8, notice: 2 } as const;

const LETTERS: ReadonlyArray<[number, string]> = [
  [90, 'A'],
  [75, 'B'],
  [60, 'C'],
  [40, 'D'],
];

/** Score out of 100 and a letter. Any error makes the letter F: the change is blocked. */
export function grade(findings: readonly Finding[]): ReviewSummary {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const notices = findings.filter((f) => f.severity === 'notice').length;
  const score = Math.max(0, 100 - errors * PENALTY.error - warnings * PENALTY.warning - notices * PENALTY.notice);
  const letter = errors > 0 ? 'F' : (LETTERS.find(([min]) => score >= min)?.[1] ?? 'F');
  return { errors, warnings, notices, score, grade: letter };
}

export function isBlocking(summary: ReviewSummary): boolean {
  return summary.errors > 0;
}
