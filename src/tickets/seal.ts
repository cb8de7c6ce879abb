import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Ticket } from './ticket.js';

/**
 * Seals: an HMAC over an approval decision and the ticket it approves, made with dbops' key
 * (`secrets.key_env`), which the meta database never holds. Whoever can write the meta database can
 * write `state = 'approved'` or an approval row, but not a seal that verifies: the runner trusts
 * only sealed decisions (approval-gate.ts).
 */

/** A DBA's approval, or dbops' own when a clean review needs none (policy 0). */
export const SEAL_DECISIONS = ['approve', 'auto_approve'] as const;
export type SealDecision = (typeof SEAL_DECISIONS)[number];

/** One sealed decision, as stored in `ticket_seals`. */
export interface Seal {
  ticketId: number;
  /** The approving DBA's Slack id, or `dbops` for an automatic approval. */
  signer: string;
  decision: SealDecision;
  /** The DBA granted an exception over a review with errors. */
  exception: boolean;
  at: Date;
  /** HMAC-SHA256, hex. */
  mac: string;
}

export type SealInput = Omit<Seal, 'mac' | 'ticketId'>;

/** What a seal covers of the ticket: what runs, where, for whom, and the row estimate the run is held to. */
export type SealedTicket = Pick<
  Ticket,
  'id' | 'kind' | 'payload' | 'requester' | 'cluster' | 'schema' | 'estimatedRows'
>;

export interface Sealer {
  seal(ticket: SealedTicket, decision: SealInput): Seal;
  /** Does the seal belong to this decision on this ticket, as the ticket is now? */
  verify(ticket: SealedTicket, seal: Seal): boolean;
}

const VERSION = 'dbops-seal-1';

/**
 * A sealer keyed with a key derived from dbops' key for this one purpose (other uses derive their
 * own), for one installation (src/db/installation.ts): two installations that share a key never
 * accept each other's seals, even for tickets with the same id and SQL.
 */
export function createSealer(secretKey: Buffer, installation: string): Sealer {
  const key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'dbops ticket approvals v1', 32));
  const mac = (ticket: SealedTicket, d: SealInput): string =>
    createHmac('sha256', key)
      .update(message(installation, ticket, d))
      .digest('hex');
  return {
    seal: (ticket, decision) => ({ ...decision, ticketId: ticket.id, mac: mac(ticket, decision) }),
    verify(ticket, seal) {
      if (seal.ticketId !== ticket.id || !/^[0-9a-f]{64}$/.test(seal.mac)) return false;
      return timingSafeEqual(Buffer.from(mac(ticket, seal), 'hex'), Buffer.from(seal.mac, 'hex'));
    },
  };
}

function message(installation: string, ticket: SealedTicket, d: SealInput): string {
  return JSON.stringify([
    VERSION,
    installation,
    ticket.id,
    d.decision,
    d.signer,
    d.exception,
    d.at.toISOString(),
    ticket.requester,
    ticket.kind,
    ticket.cluster,
    ticket.schema,
    ticket.estimatedRows,
    payloadHash(ticket.payload),
  ]);
}

/** SHA-256 of the payload as canonical JSON (keys sorted), so the key order the database returns does not matter. */
export function payloadHash(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
