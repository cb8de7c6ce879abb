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

/**
 * Delete every Redis key of one installation (`<prefix>:<installation>:*`): its ticket and run
 * queues, its monitor queue and dbops' own keys. Safe on the shared Redis because an installation id
 * belongs to one meta database, which the test created.
 */
export async function flushInstallationKeys(redis: Redis, installationPrefix: string): Promise<number> {
  if (!/^bull:[a-z][0-9a-z]{7,11}$/.test(installationPrefix))
    throw new Error(`refusing to flush keys outside one installation's prefix: ${installationPrefix}`);
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${installationPrefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
