import type { Ticket } from '../../../src/tickets/ticket.js';
import { realKinds } from '../../support/kinds.js';

/** A ticket without its kind's `about`, kind by kind. */
type WithoutAbout = Ticket extends infer T ? (T extends Ticket ? Omit<T, 'about'> : never) : never;

/** A ticket as the store returns it, for pure tests. */
export function makeTicket(overrides: Partial<Omit<Ticket, 'kind' | 'payload'>> = {}): Ticket {
  const at = new Date('2026-11-24T02:00:00.000Z');
  const base: WithoutAbout = {
    id: 42,
    ref: 'T-42',
    kind: 'sql-change',
    payload: { sql: 'UPDATE orders SET status = 1 WHERE id = 7' },
    requester: 'U0DEV00001',
    cluster: 'prod',
    schema: 'shop',
    environment: 'prod',
    review: { summary: { errors: 0, warnings: 0, notices: 0, score: 100, grade: 'A' }, findings: [] },
    estimatedRows: 1,
    runAt: null,
    state: 'awaiting_approval',
    version: 2,
    attempt: 1,
    approvalsNeeded: 1,
    approvals: [],
    exception: false,
    exceptionReason: null,
    slack: {
      requestChannel: null,
      requestTs: null,
      approvalChannel: null,
      approvalTs: null,
      threadChannel: null,
      threadTs: null,
    },
    sourceKey: null,
    createdAt: at,
    updatedAt: at,
  };
  return withAbout({ ...base, ...overrides });
}

/** The ticket with what its kind says about it, as the store reads it (after changing its kind or payload). */
export function withAbout(ticket: WithoutAbout): Ticket {
  return { ...ticket, about: realKinds.about(ticket) };
}
