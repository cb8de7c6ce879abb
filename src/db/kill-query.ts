import mysql from 'mysql2/promise';
import type { Connection, Pool, PoolConnection } from 'mysql2/promise';
import { z } from 'zod';

const ER_NO_SUCH_THREAD = 1094;

/** The parts of a pool's connection settings a second connection to the same server needs. */
const PoolSettings = z.looseObject({
  pool: z.looseObject({
    config: z.looseObject({
      connectionConfig: z.looseObject({
        host: z.string().optional(),
        port: z.number().optional(),
        socketPath: z.string().optional(),
        user: z.string().optional(),
        password: z.string().optional(),
        ssl: z.union([z.string(), z.looseObject({}), z.boolean()]).optional(),
        connectTimeout: z.number().optional(),
      }),
    }),
  }),
});

/** A fresh connection (outside the pool, so a full pool can't hold it up) to the server `pool` talks to. */
export async function connectBeside(pool: Pool): Promise<Connection> {
  const { host, port, socketPath, user, password, ssl, connectTimeout } =
    PoolSettings.parse(pool).pool.config.connectionConfig;
  return mysql.createConnection({
    host,
    port,
    ...(socketPath ? { socketPath } : {}),
    user,
    password,
    ...(ssl && typeof ssl !== 'boolean' ? { ssl } : {}),
    connectTimeout: connectTimeout ?? 5_000,
  });
}

/** `KILL QUERY <thread>` from a second connection: the statement stops, the session stays. False when the thread is gone. */
export async function killQuery(pool: Pool, threadId: number): Promise<boolean> {
  const conn = await connectBeside(pool);
  try {
    await conn.query(`KILL QUERY ${Math.trunc(threadId)}`);
    return true;
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'errno' in err && err.errno === ER_NO_SUCH_THREAD) return false;
    throw err;
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

/**
 * Run `work` on a connection of `pool` so that aborting `signal` stops it at once: the connection
 * is closed on our side (so `work` can send nothing more: its pending query rejects and any later
 * one fails), and the statement still running on the server is killed with KILL QUERY from a
 * second connection (the server rolls back the session's open transaction as it drops it).
 * `work` then rejects with the signal's reason. Otherwise the connection is destroyed after an
 * error (its session may hold a half-done transaction) and released to the pool on success.
 *
 *   await runKillable(ctx.clusters.primary(cluster), ctx.signal, (conn) => conn.query(sql));
 */
export async function runKillable<T>(
  pool: Pool,
  signal: AbortSignal,
  work: (conn: PoolConnection) => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  const conn = await pool.getConnection();
  // Taking a connection can be slow (a full pool, a loaded server): an abort meanwhile must still win.
  if (signal.aborted) {
    conn.release();
    throw signal.reason;
  }
  let kill: Promise<unknown> | undefined;
  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    conn.destroy();
  };
  const onAbort = () => {
    const thread = conn.threadId;
    destroy();
    kill = killQuery(pool, thread).catch(() => false);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  let healthy = false;
  try {
    const result = await work(conn);
    signal.throwIfAborted();
    healthy = true;
    return result;
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    await kill;
    if (healthy && !destroyed) conn.release();
    else destroy();
  }
}
