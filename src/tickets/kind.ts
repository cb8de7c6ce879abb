import type { KnownBlock } from '@slack/types';
import type { z } from 'zod';
import type { DbopsConfig, Environment } from '../config/schema.js';
import type { TicketJobKind } from '../queue/job-kind.js';
import type { TicketTouches } from './protected-targets.js';
import type { KindAndPayload } from './ticket.js';

/**
 * The contract of a ticket kind (jobs/<kind>.ts): everything dbops knows about one kind of ticket
 * lives in its file — the payload's schema, how it is named and shown, what it touches, its queue
 * options and the work itself. src/tickets, src/queue and src/slack ask the registry (KindRegistry,
 * built from jobs/index.ts or what a test adds); none of them lists kinds or switches on one.
 */

/** Where a ticket points, as the kind's pure functions see it besides its payload. */
export interface KindTarget {
  cluster: string;
  schema: string | null;
}

export interface TicketKind<K extends string = string, P extends z.ZodType = z.ZodType> extends TicketJobKind<P> {
  /** The ticket kind stored with the ticket (`sql-change`); `name` is its job's name (`execute-sql`, the file name). */
  kind: K;
  /** "SQL change on prod.shop": headers, lists, DMs and the progress line show it. */
  title(payload: z.infer<P>, target: KindTarget): string;
  /** The SQL the ticket runs, when it has one: the approval card previews it, the thread gets it whole. */
  sql?(payload: z.infer<P>): string;
  /** Block Kit data shown under the card's fields (pure): what a migration copies, a grant's privileges… */
  details?(payload: z.infer<P>): KnownBlock[];
  /**
   * The card's own fields (mrkdwn values) in place of "Target" and "Estimated rows": a migration's
   * Source, Destination and Size. Without it the card shows the ticket's target and row estimate.
   */
  fields?(payload: z.infer<P>): CardField[];
  /**
   * Clusters it writes besides the ticket's own (a migration's destination): the approval card shows
   * their environment next to the ticket's, and each one's `policy.approvals` is asked for.
   */
  writesTo?(payload: z.infer<P>): string[];
  /**
   * The schemas it reads and writes: the protected-target check refuses system schemas, the backup
   * schema and dbops' own meta database before a ticket exists and again before it runs.
   */
  touches(payload: z.infer<P>, target: KindTarget): TicketTouches;
  /**
   * The DBA approvals a ticket of this kind needs on a cluster of `environment`, in place of
   * `policy.approvals` (a runbook's own `approvals`, `grants.approvals`), read from the config as it is now. Without it
   * the policy decides (src/tickets/policy.ts).
   */
  approvals?(payload: z.infer<P>, environment: Environment, config: ApprovalConfig): number;
  /** Can a finished ticket of this kind be undone with `/dbops rollback` (it keeps before-images)? */
  undoable?: boolean;
}

/** One labelled fact on the approval card (the value is mrkdwn). */
export interface CardField {
  label: string;
  value: string;
}

/** What a kind's `approvals` reads of dbops.yml. */
export type ApprovalConfig = { policy: Pick<DbopsConfig['policy'], 'approvals' | 'migrate_into'> } & Pick<
  DbopsConfig,
  'runbooks'
> &
  Partial<Pick<DbopsConfig, 'grants'>>;

/** Declare a ticket kind, its payload type inferred from the schema. */
export function defineKind<const K extends string, P extends z.ZodType>(kind: TicketKind<K, P>): TicketKind<K, P> {
  return kind;
}

/** What a ticket's views and policy read of its kind, computed once when the ticket is read. */
export interface TicketAbout {
  title: string;
  /** The job that runs it (`execute-sql`). */
  job: string;
  sql: string | null;
  details: KnownBlock[];
  /** The kind's card fields; empty: the card shows Target and Estimated rows. */
  fields: CardField[];
  writesTo: string[];
  undoable: boolean;
}

export type KindCheck = { ok: true; request: KindAndPayload } | { ok: false; issues: string };

/** The ticket kinds of a process, by kind; a duplicate kind or job name fails at start. */
export class KindRegistry {
  private readonly byKind = new Map<string, TicketKind>();

  constructor(kinds: readonly TicketKind[]) {
    const jobs = new Set<string>();
    for (const kind of kinds) {
      if (this.byKind.has(kind.kind))
        throw new Error(`two ticket kinds are named ${kind.kind}; kinds must be unique (jobs/index.ts)`);
      if (jobs.has(kind.name)) throw new Error(`two ticket kinds run the job ${kind.name} (jobs/index.ts)`);
      this.byKind.set(kind.kind, kind);
      jobs.add(kind.name);
    }
  }

  get kinds(): TicketKind[] {
    return [...this.byKind.values()];
  }

  /** The kind, or a thrown error naming the ones this process knows (a ticket written by a newer dbops). */
  get(kind: string): TicketKind {
    const found = this.byKind.get(kind);
    if (!found)
      throw new Error(
        `this dbops knows no ticket kind \`${kind}\` (it knows ${[...this.byKind.keys()].map((k) => `\`${k}\``).join(', ')})`,
      );
    return found;
  }

  /** Kind and payload checked together; the payload as its schema parses it (defaults filled in). */
  check(kind: string, payload: unknown): KindCheck {
    const found = this.byKind.get(kind);
    if (!found) return { ok: false, issues: `kind: unknown ticket kind ${JSON.stringify(kind)}` };
    const parsed = found.payload.safeParse(payload);
    if (!parsed.success)
      return {
        ok: false,
        issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; '),
      };
    // The kind's own schema parsed the payload: the pair is one of the registry's. (The static type
    // lists jobs/index.ts's kinds; a test's extra kinds pass through the same check.)
    return { ok: true, request: { kind, payload: parsed.data } as KindAndPayload };
  }

  /** Like `check`, throwing on a mismatch (rows read back from the meta database). */
  parse(kind: string, payload: unknown): KindAndPayload {
    const checked = this.check(kind, payload);
    if (!checked.ok) throw new Error(`a ${kind} ticket's payload does not fit its kind: ${checked.issues}`);
    return checked.request;
  }

  about(request: { kind: string; payload: unknown } & KindTarget): TicketAbout {
    const kind = this.get(request.kind);
    const target = { cluster: request.cluster, schema: request.schema };
    return {
      title: kind.title(request.payload, target),
      job: kind.name,
      sql: kind.sql?.(request.payload) ?? null,
      details: kind.details?.(request.payload) ?? [],
      fields: kind.fields?.(request.payload) ?? [],
      writesTo: kind.writesTo?.(request.payload) ?? [],
      undoable: kind.undoable === true,
    };
  }

  /** Work that does not wait for peak hours to end (a failover), as its kind says. */
  urgent(request: { kind: string; payload: unknown }): boolean {
    const kind = this.byKind.get(request.kind);
    const payload = kind?.payload.safeParse(request.payload);
    return payload?.success === true && kind?.urgent?.(payload.data) === true;
  }

  /** The approvals the kind asks for on a cluster of `environment`; null when the policy decides. */
  approvals(
    request: { kind: string; payload: unknown },
    environment: Environment,
    config: ApprovalConfig,
  ): number | null {
    return this.get(request.kind).approvals?.(request.payload, environment, config) ?? null;
  }

  touches(request: { kind: string; payload: unknown } & KindTarget): TicketTouches {
    return this.get(request.kind).touches(request.payload, { cluster: request.cluster, schema: request.schema });
  }
}

/** `prod.shop`, or the cluster alone for a ticket on a whole cluster. */
export function targetName(target: KindTarget): string {
  return target.schema ? `${target.cluster}.${target.schema}` : target.cluster;
}
