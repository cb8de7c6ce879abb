import type { Redis } from 'ioredis';
import { dbopsKey, type KeySpace } from '../db/redis-keys.js';
import type { CatalogVersions } from '../review/catalog/catalog-cache.js';

/**
 * The review catalog cache's per-cluster versions in Redis, under the ticket queue's keys (so two
 * installations sharing a Redis never confuse theirs): workers bump a cluster's after each ticket
 * that ran there, bots compare it with their cached catalogs'.
 */
export function redisCatalogVersions(redis: Redis, keys: KeySpace): CatalogVersions {
  const key = (cluster: string) => dbopsKey(keys, 'catalog-version', cluster);
  return {
    current: async (cluster) => (await redis.get(key(cluster))) ?? '0',
    bump: async (cluster) => void (await redis.incr(key(cluster))),
  };
}
