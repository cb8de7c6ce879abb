import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { DbopsConfig } from '../../src/config/schema.js';
import { createFailureDetector, type FailureDetector } from '../../src/ha/failure-detector.js';
import { silentLogger } from '../../src/kernel/logger.js';
import type { Harness } from './harness.js';

/**
 * A second worker process's failure detector: an observer of its own ('observer-b') sharing the
 * harness installation's Redis keys. It observes first in the tests, so declaring a primary down
 * is always the harness runtime's job.
 */
export async function startSecondObserver(
  h: Harness,
  config: DbopsConfig,
): Promise<{ detector: FailureDetector; close(): Promise<void> }> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
  const detector = createFailureDetector({
    config,
    redis,
    prefix: h.redisPrefix,
    observer: 'observer-b',
    secrets: process.env,
    logger: silentLogger(),
    onDown: async () => assert.fail('observer-b observes first: the declaration is the runtime’s'),
  });
  return { detector, close: async () => void (await redis.quit()) };
}
