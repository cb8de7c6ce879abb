import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import mysql, { type Pool } from 'mysql2/promise';
import { newInstallationId } from '../../../src/db/installation.js';
import { migrateMeta, openMetaStore } from '../../../src/db/meta.js';
import { JobQueue } from '../../../src/queue/queues.js';
import { realKinds } from '../../support/kinds.js';
import { TicketStore } from '../../../src/tickets/store.js';
import { flushInstallationKeys } from '../../support/redis-keys.js';

export interface TestStore {
  url: string;
  pool: Pool;
  store: TicketStore;
  /** A second pool and store on the same database, as a restarted bot would open it. */
  reopen(): Promise<{ pool: Pool; store: TicketStore }>;
  close(): Promise<void>;
}

/** A fresh meta database with every migration applied; `close()` drops it. */
export async function openTestStore(): Promise<TestStore> {
  const database = `dbops_tk_${randomBytes(4).toString('hex')}`;
  const url = `mysql://root@127.0.0.1:3306/${database}`;
  const pools: Pool[] = [];
  const open = async () => {
    const pool = await openMetaStore(url);
    pools.push(pool);
    await migrateMeta(pool);
    return { pool, store: new TicketStore(pool, realKinds) };
  };
  const first = await open();
  return {
    url,
    ...first,
    reopen: open,
    close: async () => {
      for (const pool of pools) await pool.end().catch(() => undefined);
      await dropDatabase(database);
    },
  };
}

export interface TestQueue {
  queue: JobQueue;
  redis: Redis;
  close(): Promise<void>;
}

/** A job queue with a name (and an installation) of its own; `close()` removes its keys from Redis. */
export async function openTestQueue(): Promise<TestQueue> {
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const queue = new JobQueue({
    connection: redis,
    installation: newInstallationId(),
    queueName: `dbops-test-${randomBytes(4).toString('hex')}`,
  });
  return {
    queue,
    redis,
    close: async () => {
      await queue.queue.obliterate({ force: true });
      await queue.close();
      await flushInstallationKeys(redis, queue.keySpace.prefix); // dbops' own keys beside the queue
      await redis.quit();
    },
  };
}

/** Kept here rather than taken from the e2e harness, which loads the whole runtime. */
async function dropDatabase(name: string): Promise<void> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}
