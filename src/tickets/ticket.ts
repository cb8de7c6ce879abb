import { z } from 'zod';
import { Environment } from '../config/schema.js';
import type { ticketKinds } from '../../jobs/index.js';
import { SEVERITIES, type ReviewReport } from '../review/types.js';
import type { KindRegistry, TicketAbout } from './kind.js';
import { SEAL_DECISIONS, type Seal } from './seal.js';
import { TICKET_ACTIONS, TICKET_STATES } from './state-machine.js';

export const TicketState = z.enum(TICKET_STATES);
export type TicketState = z.infer<typeof TicketState>;
export const TicketAction = z.enum(TICKET_ACTIONS);
export type TicketAction = z.infer<typeof TicketAction>;
/**
 * What the event log records that is not a state change: `osc_cleanup`, a DBA dropped what an
 * interrupted online ALTER left on the target (its note says what); `remind` and `escalate`, dbops
 * pinged the DBAs about a ticket waiting too long, once each (src/tickets/approval-timers.ts).
 */
export const NOTE_ACTIONS = ['osc_cleanup', 'remind', 'escalate'] as const;
export type NoteAction = (typeof NOTE_ACTIONS)[number];
/** Actions in the event log: the state machine's, `submit` (the creation of the ticket) and the notes. */
export const EventAction = z.enum(['submit', ...TICKET_ACTIONS, ...NOTE_ACTIONS]);
export type EventAction = z.infer<typeof EventAction>;

/**
 * A ticket's kind and its payload, checked together: one member per kind in jobs/index.ts (the
 * type follows the registry; at run time the process's KindRegistry checks them).
 */
export type KindAndPayload = KindAndPayloadOf<(typeof ticketKinds)[number]>;
type KindAndPayloadOf<K> = K extends { kind: infer N; payload: infer P extends z.ZodType }
  ? { kind: N; payload: z.infer<P> }
  : never;
export type TicketKind = KindAndPayload['kind'];

/** A review finding as kept on the ticket (the report's finding, without the long texts required). */
export const TicketFinding = z.looseObject({
  rule: z.string(),
  severity: z.enum(SEVERITIES),
  statement: z.number().int(),
  message: z.string(),
  line: z.number().int(),
  column: z.number().int(),
});
export type TicketFinding = z.infer<typeof TicketFinding>;

export const ReviewSummary = z.looseObject({
  errors: z.number().int().min(0),
  warnings: z.number().int().min(0),
  notices: z.number().int().min(0),
  score: z.number(),
  grade: z.string(),
});
export type ReviewSummary = z.infer<typeof ReviewSummary>;

export const TicketReview = z.strictObject({ summary: ReviewSummary, findings: z.array(TicketFinding) });
export type TicketReview = z.infer<typeof TicketReview>;

/** Findings kept on a ticket at most; the summary still counts them all. */
export const MAX_TICKET_FINDINGS = 500;

/** What a ticket keeps of a review report: the summary and the findings, without the SQL again. */
export function reviewFromReport(report: ReviewReport): TicketReview {
  const findings = report.statements.flatMap((s) => s.findings).slice(0, MAX_TICKET_FINDINGS);
  return {
    summary: { ...report.summary },
    findings: findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      statement: f.statement,
      message: f.message,
      line: f.line,
      column: f.column,
      fix: f.fix,
    })),
  };
}

export interface SlackRefs {
  /** Where the requester asked (the ephemeral/public answer to the command). */
  requestChannel: string | null;
  requestTs: string | null;
  /** The approval message with the buttons, in the DBA channel. */
  approvalChannel: string | null;
  approvalTs: string | null;
  /** The thread progress and milestones are posted into. */
  threadChannel: string | null;
  threadTs: string | null;
}

export interface Approval {
  approver: string;
  at: Date;
  /** The approval granted an exception over a review with errors. */
  exception: boolean;
}

interface TicketBase {
  /** AUTO_INCREMENT id; users see it as `T-<id>`. */
  id: number;
  ref: string;
  requester: string;
  cluster: string;
  schema: string | null;
  environment: Environment;
  review: TicketReview | null;
  estimatedRows: number | null;
  /** Requested start (UTC); null = as soon as approved. */
  runAt: Date | null;
  state: TicketState;
  /** Bumped by every state change; compare-and-set compares it. */
  version: number;
  /** 1 for the first run; a retry after a failure increments it (and the job id with it). */
  attempt: number;
  approvalsNeeded: number;
  approvals: Approval[];
  exception: boolean;
  exceptionReason: string | null;
  slack: SlackRefs;
  /** Caller-chosen key that makes `create` idempotent (e.g. the Slack request id). */
  sourceKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type Ticket = TicketBase &
  KindAndPayload & {
    /** What its kind says about it (title, SQL, details, job): read through the kind registry. */
    about: TicketAbout;
  };

export interface TicketEvent {
  id: number;
  ticketId: number;
  at: Date;
  /** Slack user id, or 'dbops' for the bot itself. */
  actor: string;
  fromState: TicketState | null;
  toState: TicketState;
  action: EventAction;
  note: Record<string, unknown>;
}

export const BOT_ACTOR = 'dbops';

/** `T-42` for ticket 42. */
export function ticketRef(id: number): string {
  return `T-${id}`;
}

/** Read what a user typed: `T-42`, `t-42`, `#42` or `42`. Null when it is not a ticket id. */
export function parseTicketId(text: string): number | null {
  const match = /^\s*(?:[tT]-?|#)?(\d{1,15})\s*$/.exec(text);
  if (!match) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

// ---- rows as mysql2 returns them (dateStrings, bigNumberStrings; JSON as text on MariaDB) ----

const json = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), schema);
const utcDate = z.preprocess((v) => (typeof v === 'string' ? new Date(`${v.replace(' ', 'T')}Z`) : v), z.date());
const int = z.coerce.number().int();
const flag = z.union([z.number(), z.string(), z.boolean()]).transform((v) => v === true || Number(v) === 1);
const text = z.string().nullable();

export const TicketRow = z.object({
  id: int.positive(),
  kind: z.string().min(1),
  payload: json(z.unknown()),
  requester: z.string(),
  cluster: z.string(),
  schema_name: text,
  environment: Environment,
  review: json(TicketReview.nullable()),
  estimated_rows: int.nullable(),
  run_at: utcDate.nullable(),
  state: TicketState,
  version: int,
  attempt: int,
  approvals_needed: int,
  exception: flag,
  exception_reason: text,
  request_channel: text,
  request_ts: text,
  approval_channel: text,
  approval_ts: text,
  thread_channel: text,
  thread_ts: text,
  source_key: text,
  created_at: utcDate,
  updated_at: utcDate,
});
export type TicketRow = z.infer<typeof TicketRow>;

export const ApprovalRow = z.object({ ticket_id: int, approver: z.string(), at: utcDate, exception: flag });

export const SealRow = z.object({
  ticket_id: int,
  signer: z.string(),
  decision: z.enum(SEAL_DECISIONS),
  exception: flag,
  at: utcDate,
  mac: z.string(),
});

export const EventRow = z.object({
  id: int,
  ticket_id: int,
  at: utcDate,
  actor: z.string(),
  from_state: TicketState.nullable(),
  to_state: TicketState,
  action: EventAction,
  note: json(z.record(z.string(), z.unknown()).nullable()),
});

export function ticketFromRow(raw: unknown, approvals: Approval[], kinds: KindRegistry): Ticket {
  const row = TicketRow.parse(raw);
  const request = kinds.parse(row.kind, row.payload);
  return {
    ...request,
    about: kinds.about({ ...request, cluster: row.cluster, schema: row.schema_name }),
    id: row.id,
    ref: ticketRef(row.id),
    requester: row.requester,
    cluster: row.cluster,
    schema: row.schema_name,
    environment: row.environment,
    review: row.review,
    estimatedRows: row.estimated_rows,
    runAt: row.run_at,
    state: row.state,
    version: row.version,
    attempt: row.attempt,
    approvalsNeeded: row.approvals_needed,
    approvals,
    exception: row.exception,
    exceptionReason: row.exception_reason,
    slack: {
      requestChannel: row.request_channel,
      requestTs: row.request_ts,
      approvalChannel: row.approval_channel,
      approvalTs: row.approval_ts,
      threadChannel: row.thread_channel,
      threadTs: row.thread_ts,
    },
    sourceKey: row.source_key,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function approvalFromRow(raw: unknown): Approval & { ticketId: number } {
  const row = ApprovalRow.parse(raw);
  return { ticketId: row.ticket_id, approver: row.approver, at: row.at, exception: row.exception };
}

export function sealFromRow(raw: unknown): Seal {
  const row = SealRow.parse(raw);
  return {
    ticketId: row.ticket_id,
    signer: row.signer,
    decision: row.decision,
    exception: row.exception,
    at: row.at,
    mac: row.mac,
  };
}

export function eventFromRow(raw: unknown): TicketEvent {
  const row = EventRow.parse(raw);
  return {
    id: row.id,
    ticketId: row.ticket_id,
    at: row.at,
    actor: row.actor,
    fromState: row.from_state,
    toState: row.to_state,
    action: row.action,
    note: row.note ?? {},
  };
}
