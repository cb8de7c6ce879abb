import type { Finding, ReviewSummary, Verdict } from './types.js';

/** Points each finding costs; documented in README ("How the grade is computed"). */
export const PENALTY = { error: 25, warning: 8, notice: 2 } as const;

const LETTERS: ReadonlyArray<[number, string]> = [
  [90, 'A'],
  [75, 'B'],
  [60, 'C'],
  [40, 'D'],
];

/** The lowest score a passing review gets (a D), and the highest a blocked one gets (an F). */
const PASSING_FLOOR = 40;
const BLOCKED_CEILING = PASSING_FLOOR - 1;

/**
 * The verdict, then a score and letter that agree with it. The verdict is what counts: any error
 * blocks the change (unless a DBA grants an exception). The score starts at 100 and loses points
 * per finding; a blocked review is capped at 39 (F), a passing one never falls below 40 (D), so the
 * letter never contradicts the verdict.
 */
export function grade(findings: readonly Finding[]): ReviewSummary {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const notices = findings.filter((f) => f.severity === 'notice').length;
  const raw = Math.max(0, 100 - errors * PENALTY.error - warnings * PENALTY.warning - notices * PENALTY.notice);
  const verdict: Verdict = errors > 0 ? 'blocked' : findings.length > 0 ? 'passes-with-findings' : 'clean';
  const score = verdict === 'blocked' ? Math.min(raw, BLOCKED_CEILING) : Math.max(raw, PASSING_FLOOR);
  const letter = LETTERS.find(([min]) => score >= min)?.[1] ?? 'F';
  return { verdict, errors, warnings, notices, score, grade: letter };
}

export function isBlocking(summary: Pick<ReviewSummary, 'errors'>): boolean {
  return summary.errors > 0;
}

/** The verdict as the headline says it. */
export const VERDICT_TITLE: Readonly<Record<Verdict, string>> = {
  blocked: 'Blocked',
  'passes-with-findings': 'Passes with findings',
  clean: 'Clean',
};

/** A summary's verdict; summaries stored before verdicts existed get it from their counts. */
export function verdictOf(
  summary: Pick<ReviewSummary, 'errors' | 'warnings' | 'notices'> & { verdict?: string },
): Verdict {
  if (summary.verdict === 'blocked' || summary.verdict === 'passes-with-findings' || summary.verdict === 'clean')
    return summary.verdict;
  if (summary.errors > 0) return 'blocked';
  return summary.warnings + summary.notices > 0 ? 'passes-with-findings' : 'clean';
}

/** `Blocked · grade F (14/100) · 2 errors, 5 warnings, 1 notice`: the one line every surface leads with. */
export function headline(
  summary: Pick<ReviewSummary, 'errors' | 'warnings' | 'notices' | 'score' | 'grade'> & { verdict?: string },
): string {
  return `${VERDICT_TITLE[verdictOf(summary)]} · grade ${summary.grade} (${summary.score}/100) · ${counts(summary)}`;
}

export function counts(summary: Pick<ReviewSummary, 'errors' | 'warnings' | 'notices'>): string {
  const part = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [part(summary.errors, 'error'), part(summary.warnings, 'warning'), part(summary.notices, 'notice')].join(', ');
}
