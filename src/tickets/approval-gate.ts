import type { DbopsConfig } from '../config/schema.js';
import type { DbaDirectory } from './dba-directory.js';
import type { KindRegistry } from './kind.js';
import { requiredApprovals } from './policy.js';
import type { Seal, Sealer } from './seal.js';
import { BOT_ACTOR, type Ticket } from './ticket.js';

/**
 * The last word before a ticket runs: its state says approved, but only sealed decisions count —
 * a DBA's approval (a DBA now, not the requester) or, where the policy needs none, dbops' own —
 * each verifying against the ticket as it is now. A row set to `approved` in the database by any
 * other means, a forged approval row, or a ticket whose SQL changed after approval does not pass.
 */
export type GateVerdict =
  | { ok: true; approvers: string[] }
  /** `message` is for the thread, the alert and the log; `problems` say what was wrong with each seal. */
  | { ok: false; message: string; problems: string[] };

export interface ApprovalGate {
  check(ticket: Ticket): Promise<GateVerdict>;
}

export interface ApprovalGateDeps {
  /** The tickets' seals, and their kinds (a kind may ask for its own number of approvals). */
  store: { seals(ticketId: number): Promise<Seal[]>; kinds?: Pick<KindRegistry, 'approvals'> };
  sealer: Sealer;
  dbas: Pick<DbaDirectory, 'members'>;
  config: Pick<DbopsConfig, 'clusters' | 'policy'> & Partial<Pick<DbopsConfig, 'runbooks' | 'grants'>>;
}

export function createApprovalGate(deps: ApprovalGateDeps): ApprovalGate {
  return {
    async check(ticket) {
      const required = requiredApprovals(ticket, deps.config, deps.store.kinds);
      if (required === null)
        return refuse(ticket, 'a cluster it names is not in dbops.yml', [`cluster ${ticket.cluster} is unknown`]);
      const [seals, dbas] = await Promise.all([deps.store.seals(ticket.id), deps.dbas.members()]);
      return judgeSeals(ticket, seals, { sealer: deps.sealer, dbas, required });
    },
  };
}

/** Pure: do these seals approve this ticket, `required` DBA approvals being needed (0: dbops' own will do)? */
export function judgeSeals(
  ticket: Ticket,
  seals: readonly Seal[],
  context: { sealer: Sealer; dbas: ReadonlySet<string>; required: number },
): GateVerdict {
  const problems: string[] = [];
  const approvers = new Set<string>();
  let exceptionGranted = false;
  let automatic = false;
  for (const seal of seals) {
    const problem = sealProblem(ticket, seal, context);
    if (problem) {
      problems.push(problem);
      continue;
    }
    if (seal.decision === 'auto_approve') automatic = true;
    else {
      approvers.add(seal.signer);
      exceptionGranted ||= seal.exception;
    }
  }
  const count = approvers.size;
  if (ticket.exception && !exceptionGranted)
    return refuse(ticket, 'no DBA granted its exception', problems, context.required);
  if (context.required === 0 ? automatic || count > 0 : count >= context.required)
    return { ok: true, approvers: [...approvers] };
  if (context.required === 0)
    return refuse(ticket, "it has no valid seal, neither dbops' automatic approval nor a DBA's", problems, 0);
  const has = count === 0 ? 'none' : `only ${count}`;
  return refuse(
    ticket,
    `it needs ${context.required} sealed DBA approval${context.required === 1 ? '' : 's'} and has ${has}`,
    problems,
    context.required,
  );
}

function sealProblem(
  ticket: Ticket,
  seal: Seal,
  context: { sealer: Sealer; dbas: ReadonlySet<string> },
): string | null {
  if (!context.sealer.verify(ticket, seal))
    return `the seal of ${seal.signer}'s ${seal.decision} does not verify (forged, or the ticket changed after it)`;
  if (seal.decision === 'auto_approve')
    return seal.signer === BOT_ACTOR ? null : `an automatic approval signed by ${seal.signer}, not dbops`;
  if (seal.signer === ticket.requester) return `${seal.signer} asked for the ticket and cannot approve it`;
  if (!context.dbas.has(seal.signer)) return `${seal.signer} is not a DBA (slack.dba_users, slack.dba_usergroup)`;
  return null;
}

function refuse(ticket: Ticket, why: string, problems: string[], required = 1): GateVerdict {
  const what = required === 0 ? 'no valid approval' : 'no valid DBA approval';
  return { ok: false, message: `${ticket.ref} says approved but carries ${what}: not run (${why}).`, problems };
}
