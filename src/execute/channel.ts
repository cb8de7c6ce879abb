import type { Redis } from 'ioredis';
import { z } from 'zod';
import { dbopsKey, type KeySpace } from '../db/redis-keys.js';
import type { OscControl, OscRequests, OscState } from './online-alter.js';
import { OscLeftovers } from './osc-leftovers.js';

/** What a running execution tells the bot (which posts it to Slack). */
export type ExecutionEvent =
  | { type: 'osc'; ticketId: number; attempt: number; state: OscState }
  | { type: 'osc-leftovers'; ticketId: number; attempt: number; leftovers: OscLeftovers }
  | {
      type: 'finished';
      ticketId: number;
      attempt: number;
      outcome: 'succeeded' | 'failed' | 'cancelled';
      backups: number;
      rows: number;
    };

export type OscAction = 'pause' | 'resume' | 'cutover';

const OscStateSchema = z.object({
  phase: z.enum([
    'starting',
    'copying',
    'pausing',
    'paused',
    'resuming',
    'ready',
    'cutting-over',
    'done',
    'failed',
    'cancelled',
  ]),
  table: z.string(),
  percent: z.number().nullable(),
  detail: z.string(),
  by: z.string().optional(),
});
const EventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('osc'), ticketId: z.number().int(), attempt: z.number().int(), state: OscStateSchema }),
  z.object({
    type: z.literal('osc-leftovers'),
    ticketId: z.number().int(),
    attempt: z.number().int(),
    leftovers: OscLeftovers,
  }),
  z.object({
    type: z.literal('finished'),
    ticketId: z.number().int(),
    attempt: z.number().int(),
    outcome: z.enum(['succeeded', 'failed', 'cancelled']),
    backups: z.number().int(),
    rows: z.number().int(),
  }),
]);
const PanelRef = z.object({ channel: z.string(), ts: z.string() });
export type PanelRef = z.infer<typeof PanelRef>;

type ChannelKey = 'control' | 'osc' | 'panel' | 'offer' | 'leftovers' | 'leftovers-message' | 'cleanup';

/** Keys live this long after their last write (a finished execution needs none of them). */
const TTL_SECONDS = 30 * 24 * 3600;

/**
 * The Redis channel between the bot and the worker running a ticket: DBAs' Pause/Resume/Cut-over
 * requests (kept as state the job polls, so a request made while no job listens is not lost), the
 * online ALTER's state (for the panel's buttons and answers), and events the bot posts to Slack.
 */
export class ExecutionChannel {
  /** `space`: the ticket queue's key space, whose prefix carries the installation id. */
  constructor(
    private readonly redis: Redis,
    private readonly space: KeySpace,
  ) {}

  /** Keys are per ticket attempt: a retry starts with no leftover Pause or Cut-over. */
  private key(ticketId: number, attempt: number, what: ChannelKey): string {
    return dbopsKey(this.space, 'exec', ticketId, attempt, what);
  }

  get eventsChannel(): string {
    return dbopsKey(this.space, 'exec', 'events');
  }

  // ---- the worker's side ----

  /** Pause/Resume/Cut-over as the job reads them, and where it reports its state. */
  oscControl(ticketId: number, attempt: number): OscControl {
    return {
      read: () => this.requests(ticketId, attempt),
      report: async (state) => {
        await this.redis.set(this.key(ticketId, attempt, 'osc'), JSON.stringify(state), 'EX', TTL_SECONDS);
        await this.publish({ type: 'osc', ticketId, attempt, state });
      },
      leftovers: async (leftovers) => {
        // Kept as well as announced: Clean up reads which table it is about from here, not from Slack.
        await this.redis.set(this.key(ticketId, attempt, 'leftovers'), JSON.stringify(leftovers), 'EX', TTL_SECONDS);
        await this.publish({ type: 'osc-leftovers', ticketId, attempt, leftovers });
      },
    };
  }

  async requests(ticketId: number, attempt: number): Promise<OscRequests> {
    const h = await this.redis.hgetall(this.key(ticketId, attempt, 'control'));
    return {
      paused: h.paused === '1',
      ...(h.paused_by ? { pausedBy: h.paused_by } : {}),
      cutOver: h.cutover_by ? { by: h.cutover_by } : null,
    };
  }

  async publish(event: ExecutionEvent): Promise<void> {
    await this.redis.publish(this.eventsChannel, JSON.stringify(event));
  }

  // ---- the bot's side ----

  async request(ticketId: number, attempt: number, action: OscAction, by: string): Promise<void> {
    const key = this.key(ticketId, attempt, 'control');
    if (action === 'pause') await this.redis.hset(key, { paused: '1', paused_by: by });
    else if (action === 'resume') await this.redis.hset(key, { paused: '0', resumed_by: by });
    else await this.redis.hset(key, { cutover_by: by, cutover_at: new Date().toISOString() });
    await this.redis.expire(key, TTL_SECONDS);
  }

  /** What an interrupted online ALTER of this run left, as the worker that took it over found it. */
  async leftovers(ticketId: number, attempt: number): Promise<OscLeftovers | null> {
    const raw = await this.redis.get(this.key(ticketId, attempt, 'leftovers'));
    if (!raw) return null;
    const parsed = OscLeftovers.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  /** Take the run's Clean up for one caller (a second click, or a second DBA, waits for its answer); `release` after a failure. */
  async claimCleanup(ticketId: number, attempt: number): Promise<boolean> {
    const key = this.key(ticketId, attempt, 'cleanup');
    return (await this.redis.set(key, 'claimed', 'EX', TTL_SECONDS, 'NX')) === 'OK';
  }

  async releaseCleanup(ticketId: number, attempt: number): Promise<void> {
    await this.redis.del(this.key(ticketId, attempt, 'cleanup'));
  }

  async oscState(ticketId: number, attempt: number): Promise<OscState | null> {
    const raw = await this.redis.get(this.key(ticketId, attempt, 'osc'));
    if (!raw) return null;
    const parsed = OscStateSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  /**
   * Claim the right to post a ticket's panel (or rollback offer): true for exactly one caller, so
   * several bot processes post it once. The poster then records where it went with `setPanel`.
   */
  async claim(ticketId: number, attempt: number, what: 'panel' | 'offer' | 'leftovers-message'): Promise<boolean> {
    return (await this.redis.set(this.key(ticketId, attempt, what), 'claimed', 'EX', TTL_SECONDS, 'NX')) === 'OK';
  }

  async setPanel(
    ticketId: number,
    attempt: number,
    ref: PanelRef,
    what: 'panel' | 'leftovers-message' = 'panel',
  ): Promise<void> {
    await this.redis.set(this.key(ticketId, attempt, what), JSON.stringify(ref), 'EX', TTL_SECONDS);
  }

  /** Where the panel (or the leftovers message) went, once posted. */
  async panel(
    ticketId: number,
    attempt: number,
    what: 'panel' | 'leftovers-message' = 'panel',
  ): Promise<PanelRef | null> {
    const raw = await this.redis.get(this.key(ticketId, attempt, what));
    if (!raw || raw === 'claimed') return null;
    const parsed = PanelRef.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  /** Receive events on a connection of its own (a subscribed connection can do nothing else). */
  async subscribe(handler: (event: ExecutionEvent) => void): Promise<() => Promise<void>> {
    const sub = this.redis.duplicate();
    await sub.subscribe(this.eventsChannel);
    sub.on('message', (_channel: string, message: string) => {
      try {
        const parsed = EventSchema.safeParse(JSON.parse(message));
        if (parsed.success) handler(parsed.data);
      } catch {
        // Not one of ours: ignore it.
      }
    });
    return async () => {
      await sub.quit().catch(() => undefined);
    };
  }
}
