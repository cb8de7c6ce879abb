import type { Ticket } from '../tickets/ticket.js';

/** What the API shows of a ticket (the OpenAPI document's Ticket). */
export function ticketView(t: Ticket) {
  return {
    id: t.id,
    ref: t.ref,
    kind: t.kind,
    state: t.state,
    requester: t.requester,
    cluster: t.cluster,
    schema: t.schema,
    environment: t.environment,
    attempt: t.attempt,
    approvals_needed: t.approvalsNeeded,
    approvals: t.approvals.map((a) => ({ approver: a.approver, at: a.at.toISOString() })),
    review: t.review ? { ...t.review.summary } : null,
    run_at: t.runAt?.toISOString() ?? null,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}
