import type { Check, Condition } from '../types.js';

/**
 * Instance down: a poll could not connect or a query did not answer. While an instance is down its
 * other alerts are held as they are (no poll can say whether they still hold) and not re-notified.
 */
export const down: Check = {
  id: 'down',
  title: 'Instance down',
  kind: 'state',
  runsOn: 'every-poll',
  // A sample exists only when the poll reached the instance: nothing to report.
  evaluate: () => [],
};

/** The condition of a failed poll; `problem` says why in words a DBA can act on (never a password). */
export function downCondition(problem: string): Condition {
  return {
    checkId: 'down',
    subject: '',
    severity: 'critical',
    summary: problem,
    value: 'unreachable',
    threshold: 'answers within 5 s',
  };
}
