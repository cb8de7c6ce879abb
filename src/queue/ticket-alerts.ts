import type { Ticket } from '../tickets/ticket.js';
import type { AlertService, RaiseAlert } from '../monitor/alert-service.js';

/** What the job runner needs of the alerts: raise one when a ticket job fails, resolve it when a later attempt succeeds. */
export type AlertRaiser = Pick<AlertService, 'raise' | 'resolve'>;

const SUMMARY_MAX = 600;

/** The alert of a failed ticket job: one per ticket (later failures of it add to it), critical on prod. */
export function ticketFailedAlert(
  ticket: Pick<Ticket, 'id' | 'ref' | 'cluster' | 'schema' | 'environment' | 'attempt'>,
  kind: string,
  summary: string,
): RaiseAlert {
  const target = ticket.schema ? `${ticket.cluster}.${ticket.schema}` : ticket.cluster;
  const why = summary.length > SUMMARY_MAX ? `${summary.slice(0, SUMMARY_MAX - 1)}…` : summary;
  return {
    cluster: ticket.cluster,
    checkId: 'ticket-failed',
    subject: ticket.ref,
    severity: ticket.environment === 'prod' ? 'critical' : 'warning',
    summary: `${ticket.ref} (${kind} on ${target}, attempt ${ticket.attempt}) failed: ${why}`,
    value: 'failed',
    details: { ticketId: ticket.id, attempt: ticket.attempt, kind },
  };
}

/** The key `resolve` takes to end that alert (a later attempt succeeded). */
export function ticketFailedKey(ticket: Pick<Ticket, 'ref' | 'cluster'>): {
  cluster: string;
  checkId: string;
  subject: string;
} {
  return { cluster: ticket.cluster, checkId: 'ticket-failed', subject: ticket.ref };
}

/**
 * A ticket the runner refused because its approval does not hold (no sealed DBA approval, a forged
 * one, or SQL changed after approval): someone wrote dbops' meta database by hand, or the hosts do
 * not share dbops' key. Critical on every environment.
 */
export function ticketUnapprovedAlert(
  ticket: Pick<Ticket, 'id' | 'ref' | 'cluster' | 'attempt'>,
  message: string,
): RaiseAlert {
  return {
    cluster: ticket.cluster,
    checkId: 'ticket-unapproved',
    subject: ticket.ref,
    severity: 'critical',
    summary: `${message} Its row in dbops' meta database was changed by something other than dbops, or this worker's key (secrets.key_env) differs from the bot's: find out who can write the meta database.`,
    value: 'refused',
    details: { ticketId: ticket.id, attempt: ticket.attempt },
  };
}
