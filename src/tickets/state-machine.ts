/**
 * The life of a ticket, as a table. Pure: no I/O, no clock. The store refuses any write this
 * table does not allow, so no code path can move a ticket where it should not go.
 *
 *   submitted ─review_passed──▶ awaiting_approval ─approve──▶ approved ─enqueue─▶ scheduled ─start─▶ running ─succeed─▶ succeeded
 *       │  └─auto_approve (0 approvals, clean review)──────────▲    │                                  └─fail──▶ failed ─retry─▶ approved
 *       └─review_blocked─▶ blocked ─request_exception─▶ awaiting_exception ─approve─┘
 *   awaiting_* ─reject─▶ rejected; awaiting_* ─expire─▶ expired (no decision within policy.expire_after);
 *   anything before running ─cancel─▶ cancelled.
 *   running ─cancel─▶ cancelled is the job runner's move once a run stopped on a Cancel (the click
 *   itself only asks the workers to stop; see the ticket service).
 *   add_approval records one approval of several without changing the state.
 */
export const TICKET_STATES = [
  'submitted',
  'blocked',
  'awaiting_approval',
  'awaiting_exception',
  'approved',
  'scheduled',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
  'expired',
] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export const TICKET_ACTIONS = [
  'review_passed',
  'review_blocked',
  'auto_approve',
  'request_exception',
  'add_approval',
  'approve',
  'reject',
  'expire',
  'enqueue',
  'start',
  'succeed',
  'fail',
  'retry',
  'cancel',
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/** States in which a ticket has not started running: it may still be cancelled. */
export const BEFORE_RUN: readonly TicketState[] = [
  'submitted',
  'blocked',
  'awaiting_approval',
  'awaiting_exception',
  'approved',
  'scheduled',
];
/** States that wait for a DBA's decision. */
export const AWAITING_DECISION: readonly TicketState[] = ['awaiting_approval', 'awaiting_exception'];
/** States nothing leaves (failed may still be retried, so it is not here). */
export const FINAL_STATES: readonly TicketState[] = ['succeeded', 'cancelled', 'rejected', 'expired'];

/** Every allowed transition: action → (from state → to state). Anything missing is forbidden. */
export const TRANSITIONS: Readonly<Record<TicketAction, Partial<Record<TicketState, TicketState>>>> = {
  review_passed: { submitted: 'awaiting_approval' },
  review_blocked: { submitted: 'blocked' },
  auto_approve: { submitted: 'approved' },
  request_exception: { blocked: 'awaiting_exception' },
  add_approval: { awaiting_approval: 'awaiting_approval', awaiting_exception: 'awaiting_exception' },
  approve: { awaiting_approval: 'approved', awaiting_exception: 'approved' },
  reject: { awaiting_approval: 'rejected', awaiting_exception: 'rejected' },
  // dbops' own move, when nobody decided within policy.expire_after (src/tickets/approval-timers.ts).
  expire: { awaiting_approval: 'expired', awaiting_exception: 'expired' },
  // A worker may pick the job up before the bot has recorded the hand-over: approved → running is allowed.
  enqueue: { approved: 'scheduled' },
  start: { approved: 'running', scheduled: 'running' },
  succeed: { running: 'succeeded' },
  // scheduled → failed: the job vanished or failed before it started (reconciliation, bad data).
  fail: { scheduled: 'failed', running: 'failed' },
  retry: { failed: 'approved' },
  cancel: { ...Object.fromEntries(BEFORE_RUN.map((s) => [s, 'cancelled'])), running: 'cancelled' },
};

export type Transition =
  | { ok: true; from: TicketState; to: TicketState; action: TicketAction }
  | { ok: false; from: TicketState; action: TicketAction; reason: string };

const STATE_WORDS: Record<TicketState, string> = {
  submitted: 'just submitted',
  blocked: 'blocked by its review',
  awaiting_approval: 'waiting for approval',
  awaiting_exception: 'waiting for a DBA to grant an exception',
  approved: 'approved',
  scheduled: 'scheduled',
  running: 'running',
  succeeded: 'finished successfully',
  failed: 'failed',
  cancelled: 'cancelled',
  rejected: 'rejected',
  expired: 'expired without a decision',
};

const ACTION_WORDS: Record<TicketAction, string> = {
  review_passed: 'pass its review',
  review_blocked: 'be blocked by its review',
  auto_approve: 'be approved automatically',
  request_exception: 'be sent to DBAs for an exception',
  add_approval: 'take an approval',
  approve: 'be approved',
  reject: 'be rejected',
  expire: 'expire',
  enqueue: 'be queued',
  start: 'start',
  succeed: 'succeed',
  fail: 'fail',
  retry: 'be retried',
  cancel: 'be cancelled',
};

/** Plain words for a state, for messages ("T-42 is running"). */
export function describeState(state: TicketState): string {
  return STATE_WORDS[state];
}

/** Where `action` takes a ticket in `state`, or why it cannot. */
export function nextState(state: TicketState, action: TicketAction): Transition {
  const to = TRANSITIONS[action][state];
  if (to !== undefined) return { ok: true, from: state, to, action };
  return {
    ok: false,
    from: state,
    action,
    reason: `a ticket that is ${STATE_WORDS[state]} cannot ${ACTION_WORDS[action]}`,
  };
}

/** The actions a ticket in `state` accepts (for buttons: show only what can work). */
export function allowedActions(state: TicketState): TicketAction[] {
  return TICKET_ACTIONS.filter((action) => TRANSITIONS[action][state] !== undefined);
}

export function isFinal(state: TicketState): boolean {
  return FINAL_STATES.includes(state);
}
