import type { Redis } from 'ioredis';
import type { Pool } from 'mysql2/promise';
import type { HttpRoute } from './slack/app.js';

/** `/healthz`: 200 when the meta database and Redis answer, 503 naming what does not. */
export function healthRoute({ meta, redis }: { meta: Pool; redis: Redis }): HttpRoute {
  return {
    path: '/healthz',
    async handle() {
      const checks = {
        meta: await probe(() => meta.query('SELECT 1')),
        redis: await probe(() => redis.ping()),
      };
      const ok = Object.values(checks).every((c) => c === 'ok');
      return { status: ok ? 200 : 503, contentType: 'application/json', body: `${JSON.stringify({ ok, checks })}\n` };
    },
  };
}

async function probe(check: () => Promise<unknown>): Promise<string> {
  try {
    await withTimeout(check(), 2_000);
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : 'failed';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref()),
  ]);
}
