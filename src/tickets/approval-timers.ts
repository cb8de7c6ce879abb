import type { DbopsConfig } from '../config/schema.js';
import { toError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { lookupTable, own } from '../own.js';
import { businessSeconds } from './business-hours.js';
import { AWAITING_DECISION } from './state-machine.js';
import type { TicketStore } from './store.js';
import { BOT_ACTOR, type Ticket } from './ticket.js';

/** What the approval timers tell people; src/slack implements it (tickets never import Slack). */
export interface ApprovalTimerAnnouncer {
  /** Ping the DBAs once in the ticket's thread: it has waited `waited` seconds of business time. */
  remind(ticket: Ticket, waited: number): Promise<void>;
  /** Still waiting after the reminder: say so in `channel` (slack.escalation_channel), with a link. */
  escalate(ticket: Ticket, channel: string, waited: number): Promise<void>;
  /** The ticket expired (policy.expire_after): its message, its thread and its requester hear it. */
  expired(ticket: Ticket, after: number): Promise<void>;
}

export interface ApprovalTimerDeps {
  store: Pick<TicketStore, 'waiting' | 'get' | 'events' | 'recordNoteOnce' | 'transition'>;
  config: Pick<DbopsConfig, 'policy' | 'slack' | 'clusters'>;
  announcer: ApprovalTimerAnnouncer;
  now(): Date;
  logger: Logger;
}

export interface TimerSweep {
  reminded: string[];
  escalated: string[];
  expired: string[];
}

/** What is due for a ticket that has waited since `since` (pure). */
export type TimerStep = 'expire' | 'remind' | 'escalate' | null;

export function dueStep(input: {
  wallSeconds: number;
  businessSeconds: number;
  reminded: boolean;
  escalated: boolean;
  policy: Pick<DbopsConfig['policy'], 'remind_after' | 'expire_after'>;
  escalationChannel: string | undefined;
}): TimerStep {
  const { policy } = input;
  if (input.wallSeconds >= policy.expire_after) return 'expire';
  if (!input.reminded) return input.businessSeconds >= policy.remind_after ? 'remind' : null;
  if (input.escalated || !input.escalationChannel) return null;
  return input.businessSeconds >= 2 * policy.remind_after ? 'escalate' : null;
}

/**
 * What time does to tickets waiting for a DBA, caught up whenever it runs (the job scheduler every
 * `policy.timers_sweep_seconds`, and once at start): a reminder in the thread once it waited
 * `remind_after` of business time, an escalation once it waited as long again, expiry after
 * `expire_after`. Each is done once: reminders are claimed in the event log, expiry is a
 * compare-and-set like every click, so a DBA's Approve and the expiry cannot both win.
 */
export async function sweepApprovalTimers(deps: ApprovalTimerDeps): Promise<TimerSweep> {
  const now = deps.now();
  const result: TimerSweep = { reminded: [], escalated: [], expired: [] };
  const zones = lookupTable(Object.entries(deps.config.clusters).map(([n, c]) => [n, c.timezone] as const));
  for (const { id, since } of await deps.store.waiting()) {
    try {
      const ticket = await deps.store.get(id);
      if (!ticket || !AWAITING_DECISION.includes(ticket.state)) continue;
      const events = await deps.store.events(id);
      const business = businessSeconds(
        since,
        now,
        own(zones, ticket.cluster) ?? 'UTC',
        deps.config.policy.business_hours,
      );
      const step = dueStep({
        wallSeconds: Math.floor((now.getTime() - since.getTime()) / 1000),
        businessSeconds: business,
        reminded: events.some((e) => e.action === 'remind'),
        escalated: events.some((e) => e.action === 'escalate'),
        policy: deps.config.policy,
        escalationChannel: deps.config.slack.escalation_channel,
      });
      if (step === 'expire' && (await expire(ticket, deps, now))) result.expired.push(ticket.ref);
      if (step === 'remind' && (await claim(ticket, 'remind', business, deps, now))) {
        await deps.announcer.remind(ticket, business);
        result.reminded.push(ticket.ref);
      }
      const channel = deps.config.slack.escalation_channel;
      if (step === 'escalate' && channel && (await claim(ticket, 'escalate', business, deps, now))) {
        await deps.announcer.escalate(ticket, channel, business);
        result.escalated.push(ticket.ref);
      }
    } catch (err) {
      deps.logger.warn('an approval timer failed; the next sweep tries again', { ticket: id }, toError(err));
    }
  }
  return result;
}

async function claim(
  ticket: Ticket,
  action: 'remind' | 'escalate',
  waited: number,
  deps: ApprovalTimerDeps,
  now: Date,
): Promise<boolean> {
  const event = await deps.store.recordNoteOnce({
    ticketId: ticket.id,
    actor: BOT_ACTOR,
    action,
    at: now,
    note: { waited_seconds: waited },
    states: AWAITING_DECISION,
  });
  return event !== null;
}

/** Expire by compare-and-set; an approval recorded meanwhile (same state, new version) is looked at again. */
async function expire(ticket: Ticket, deps: ApprovalTimerDeps, now: Date): Promise<boolean> {
  let current: Ticket | null = ticket;
  for (let tries = 0; tries < 3 && current && AWAITING_DECISION.includes(current.state); tries++) {
    const res = await deps.store.transition({
      ticketId: current.id,
      expect: { state: current.state, version: current.version },
      action: 'expire',
      actor: BOT_ACTOR,
      note: { after_seconds: deps.config.policy.expire_after },
      at: now,
    });
    if (res.ok) {
      await deps.announcer.expired(res.ticket, deps.config.policy.expire_after);
      return true;
    }
    if (res.reason === 'forbidden') return false;
    current = res.current;
  }
  return false;
}
