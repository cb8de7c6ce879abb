import { randomBytes } from 'node:crypto';
import type { Pool, RowDataPacket } from 'mysql2/promise';

/** Live facts about dbops' meta database. */
export interface MetaServer {
  /** The meta schema's name (DBOPS_META_URL's database). */
  schema(): Promise<string>;
  /** Is this cluster's primary the meta database's server (or a copy of the meta database there)? Throws when it cannot tell. */
  isMetaServer(cluster: string): Promise<boolean>;
}

export interface MetaServerDeps {
  /** dbops' meta database. */
  meta: Pool;
  /** A cluster's primary, where a ticket's changes run. */
  primary(cluster: string): Pool;
  clock?: { now(): Date };
  /** How long an answer is kept per cluster (a DNS name may move). Default 60 s. */
  ttlMs?: number;
}

const DEFAULT_TTL_MS = 60_000;

/**
 * Is a cluster's primary the server dbops' meta database lives on? Host names cannot tell
 * (`localhost`, `127.0.0.1`, a DNS alias, a proxy), and MariaDB has no `@@server_uuid`, so the
 * servers are asked: the meta connection takes a named lock with a random name, and the cluster's
 * connection looks for it (`IS_USED_LOCK`, which needs no privilege): named locks are per server,
 * so seeing it means the same server. Then, for a copy of the meta database elsewhere (a replica,
 * a Galera node), the cluster's connection reads `<meta schema>.schema_migrations`: the same
 * versions applied at the same milliseconds is the meta database's own history.
 */
export function createMetaServerProbe(deps: MetaServerDeps): MetaServer {
  const ttlMs = deps.ttlMs ?? DEFAULT_TTL_MS;
  const now = () => (deps.clock ? deps.clock.now().getTime() : Date.now());
  const cache = new Map<string, { value: boolean; until: number }>();
  let schemaName: Promise<string> | undefined;

  const schema = (): Promise<string> => {
    schemaName ??= deps.meta.query<RowDataPacket[]>('SELECT DATABASE() AS db').then(([rows]) => {
      const db: unknown = rows[0]?.db;
      if (typeof db !== 'string') throw new Error('the meta database connection has no schema selected');
      return db;
    });
    schemaName.catch(() => (schemaName = undefined));
    return schemaName;
  };

  async function probe(cluster: string): Promise<boolean> {
    const target = deps.primary(cluster);
    if (await sharesNamedLocks(deps.meta, target)) return true;
    const history = await migrationHistory(deps.meta, await schema());
    const there = await migrationHistory(target, await schema()).catch(() => null);
    return history !== '' && there === history;
  }

  return {
    schema,
    async isMetaServer(cluster) {
      const cached = cache.get(cluster);
      if (cached && cached.until > now()) return cached.value;
      const value = await probe(cluster);
      cache.set(cluster, { value, until: now() + ttlMs });
      return value;
    },
  };
}

/** Does a lock taken through `meta` show through `target`? Named locks live in one server. */
async function sharesNamedLocks(meta: Pool, target: Pool): Promise<boolean> {
  const name = `dbops.meta-probe.${randomBytes(8).toString('hex')}`;
  const conn = await meta.getConnection();
  try {
    const [taken] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, 0) AS got', [name]);
    if (Number(taken[0]?.got) !== 1) throw new Error('could not take a probe lock on the meta database');
    const [seen] = await target.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) AS holder', [name]);
    return seen[0]?.holder !== null && seen[0]?.holder !== undefined;
  } finally {
    await conn.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
    conn.release();
  }
}

/** The meta schema's migration history (versions and the milliseconds they were applied at), as text. */
async function migrationHistory(pool: Pool, schema: string): Promise<string> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT version, CAST(applied_at AS CHAR) AS applied FROM \`${schema.replace(/`/g, '``')}\`.schema_migrations ORDER BY version`,
  );
  return rows.map((r) => `${String(r.version)}@${String(r.applied)}`).join(',');
}
