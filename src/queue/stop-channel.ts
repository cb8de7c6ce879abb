import type { Redis } from 'ioredis';
import { z } from 'zod';
import { dbopsKey, type KeySpace } from '../db/redis-keys.js';
import type { Logger } from '../kernel/logger.js';

/**
 * How a Cancel click reaches the worker holding a job, wherever it runs: the request is written to
 * a Redis key (kept a week, so a worker that starts or takes over later still sees it) and
 * published on a channel every worker subscribes to; workers also read the key on each heartbeat,
 * in case they missed the message while reconnecting.
 */
export const StopRequest = z.strictObject({
  kind: z.enum(['cancel', 'part_failed']),
  /** Slack user id for a cancel; the part's label for a failed part. */
  by: z.string(),
  reason: z.string().optional(),
  at: z.string(),
});
export type StopRequest = z.infer<typeof StopRequest>;

const StopMessage = z.strictObject({ ticketId: z.number().int().positive(), attempt: z.number().int().positive() });

const KEEP_SECONDS = 7 * 24 * 3600;

const stopKey = (space: KeySpace, ticketId: number, attempt: number) => dbopsKey(space, 'stop', ticketId, attempt);
const stopChannel = (space: KeySpace) => dbopsKey(space, 'stops');

/** Ask every worker to stop this ticket attempt. The first request wins (a later click does not reword it). */
export async function publishStop(
  redis: Redis,
  space: KeySpace,
  ticketId: number,
  attempt: number,
  request: StopRequest,
): Promise<void> {
  await redis.set(
    stopKey(space, ticketId, attempt),
    JSON.stringify(StopRequest.parse(request)),
    'EX',
    KEEP_SECONDS,
    'NX',
  );
  await redis.publish(stopChannel(space), JSON.stringify({ ticketId, attempt }));
}

export async function readStop(
  redis: Redis,
  space: KeySpace,
  ticketId: number,
  attempt: number,
): Promise<StopRequest | null> {
  const raw = await redis.get(stopKey(space, ticketId, attempt));
  if (raw === null) return null;
  const parsed = StopRequest.safeParse(safeJson(raw));
  return parsed.success ? parsed.data : null;
}

/** Subscribes to stop messages and hands them to `onStop` (the worker host aborts what it holds). */
export class StopListener {
  private subscriber: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly space: KeySpace,
    private readonly onStop: (ticketId: number, attempt: number) => void,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (err: Error) => this.logger.warn('stop channel: Redis error', err));
    subscriber.on('message', (_channel: string, text: string) => {
      const message = StopMessage.safeParse(safeJson(text));
      if (message.success) this.onStop(message.data.ticketId, message.data.attempt);
    });
    await subscriber.subscribe(stopChannel(this.space));
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
