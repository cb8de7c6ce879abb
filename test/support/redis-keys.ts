import type { Redis } from 'ioredis';

/**
 * Delete every Redis key of one queue family: the ticket queue, its per-cluster run queues and
 * dbops' own keys beside them (`<prefix>:<queue>*`). What a test does instead of FLUSHALL, which
 * would wipe everyone else's data on the shared Redis.
 */
export async function flushQueueKeys(redis: Redis, prefix: string, queue: string): Promise<number> {
  if (!/^dbops-[a-z0-9-]+$/.test(queue))
    throw new Error(`refusing to flush keys of a queue not named like a test queue: ${queue}`);
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:${queue}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
