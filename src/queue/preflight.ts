import { ticketUnapprovedAlert } from './ticket-alerts.js';
import type { Ticket } from '../tickets/ticket.js';
import type { RunEnd } from './run-end.js';
import type { RunnerDeps } from './runner-deps.js';

/**
 * The runner's own checks before a ticket starts or is queued again, whatever its row says: its
 * sealed approvals cover it (approval-gate.ts), and it touches no protected schema
 * (protected-targets.ts). Null when it may go ahead; otherwise how its run ends: failed, with the
 * reason in its thread and an alert.
 */
export async function preflight(
  deps: Pick<RunnerDeps, 'gate' | 'protection' | 'logger' | 'tickets'>,
  ticket: Ticket,
): Promise<RunEnd | null> {
  const gate = await deps.gate.check(ticket);
  if (!gate.ok) {
    deps.logger.error('ticket refused: it says approved, but no valid approval covers it', {
      ticket: ticket.ref,
      why: gate.message,
      problems: gate.problems,
    });
    return { outcome: 'failed', summary: gate.message, alert: ticketUnapprovedAlert(ticket, gate.message) };
  }
  const targets = await deps.protection.check(deps.tickets.kinds.touches(ticket));
  if (!targets.ok) {
    deps.logger.error('ticket refused: it touches a protected schema', { ticket: ticket.ref, why: targets.message });
    return { outcome: 'failed', summary: `${ticket.ref} was not run: ${targets.message}` };
  }
  return null;
}
