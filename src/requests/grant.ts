import { GRANT_USAGE, parseGrantText } from '../accounts/parse.js';
import type { GrantFinding } from '../accounts/review.js';
import { DbopsError } from '../kernel/errors.js';
import { PENALTY } from '../review/grade.js';
import type { TicketReview } from '../tickets/ticket.js';
import type { RequestAnswer } from './answer.js';
import type { RequestDeps } from './deps.js';
import { type Asker, openTicket } from './open-ticket.js';

export interface GrantRequest extends Asker {
  /** What follows `/dbops grant` (or the form's fields put the same way). */
  text: string;
}

/**
 * `/dbops grant` and its form: parse, check before any ticket (key, cluster, account, least
 * privilege, target, a grant already held), then open a grant ticket that DBAs approve like a change.
 * Returns what to tell the requester, privately.
 */
export async function requestGrant(request: GrantRequest, deps: RequestDeps): Promise<RequestAnswer> {
  const bot = deps.grants;
  if (!bot) throw new DbopsError('unavailable', 'grants are not available in this dbops process');
  const parsed = parseGrantText(request.text);
  if (!parsed.ok) return { kind: 'note', text: `${parsed.problems.join('\n')}\nUsage: \`${GRANT_USAGE}\`` };
  const slackName = await deps.chat.displayName(request.user);
  const prepared = await bot.prepare(parsed.request, request.user, slackName);
  if (!prepared.ok) return { kind: 'note', text: prepared.message };
  const { spec } = prepared;
  return openTicket(
    request,
    {
      kind: 'grant',
      payload: spec,
      cluster: spec.cluster,
      schema: spec.schema,
      review: grantReview(prepared.findings),
    },
    {
      log: 'grant requested',
      blocked: (ticket) => ({ kind: 'blocked', ticket, review: { grant: prepared.findings } }),
    },
    deps,
  );
}

/** The least-privilege review as a ticket keeps a review: findings with rule, severity and fix; graded like SQL. */
export function grantReview(findings: readonly GrantFinding[]): TicketReview {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const score = Math.max(0, 100 - errors * PENALTY.error - warnings * PENALTY.warning);
  const grade = errors > 0 ? 'F' : score >= 90 ? 'A' : score >= 75 ? 'B' : score >= 60 ? 'C' : 'D';
  return {
    summary: { errors, warnings, notices: 0, score, grade },
    findings: findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      statement: 1,
      line: 1,
      column: 1,
      message: f.message,
      fix: f.fix,
    })),
  };
}
