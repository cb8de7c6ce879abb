import { createHash } from 'node:crypto';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { InstallationId } from '../db/installation.js';

const LOCK_WAIT_SECONDS = 30;

/**
 * Run `work` holding the alert lock of one cluster, on one meta-database connection it gets to use:
 * within this process, one holder per cluster at a time (no pile of connections waiting), and
 * across processes a named lock (GET_LOCK), so two workers never post the same alert twice nor
 * render a cluster's message from different states at once.
 */
export function createClusterLock(meta: Pool, installation: InstallationId) {
  const chains = new Map<string, Promise<unknown>>();
  let database: string | undefined;
  const databaseName = async (): Promise<string> => {
    if (database === undefined) {
      const [rows] = await meta.query<RowDataPacket[]>('SELECT DATABASE() AS db');
      database = String(rows[0]?.db ?? 'dbops');
    }
    return database;
  };

  async function locked<T>(cluster: string, work: (conn: PoolConnection) => Promise<T>): Promise<T> {
    // Lock names are at most 64 characters: hash the installation, database and cluster.
    const name = `dbops.alerts.${createHash('sha1')
      .update(`${installation}\u0000${await databaseName()}\u0000${cluster}`)
      .digest('hex')}`;
    const conn = await meta.getConnection();
    try {
      const [rows] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', [name, LOCK_WAIT_SECONDS]);
      if (Number(rows[0]?.got) !== 1)
        throw new Error(`timed out after ${LOCK_WAIT_SECONDS}s waiting for the alert lock of cluster ${cluster}`);
      try {
        return await work(conn);
      } finally {
        await conn.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
      }
    } finally {
      conn.release();
    }
  }

  return function withClusterLock<T>(cluster: string, work: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const previous = chains.get(cluster) ?? Promise.resolve();
    const next = previous.then(
      () => locked(cluster, work),
      () => locked(cluster, work),
    );
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    chains.set(cluster, settled);
    void settled.then(() => {
      if (chains.get(cluster) === settled) chains.delete(cluster);
    });
    return next;
  };
}

export type WithClusterLock = ReturnType<typeof createClusterLock>;
